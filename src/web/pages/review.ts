// 待审核: the clerical review queue of the matching stage. Placeholder until the review API lands.
import type { FastifyInstance } from 'fastify';
import { pageGet } from '../context.js';
import { html } from '../html.js';

export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/review', async (c) => c.page(c.t('nav.review'), html`<p class="muted">${c.t('page.empty')}</p>`));
}
