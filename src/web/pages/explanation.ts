// The match explanation, plainly: for each candidate, every compared field with its agreement
// level and its weight in bits (positive: evidence for the same person, negative: against),
// the total and the probability; the decision rule and thresholds it was held against.
import type { Ctx } from '../context.js';
import { weightBar } from '../components.js';
import { num, pct } from '../format.js';
import { html, type Html } from '../html.js';

interface FieldExplanation {
  field: string;
  level: string;
  weight: number;
  tf?: { frequency: number; adjustment: number };
}
interface Candidate {
  pid: string;
  matchWeight: number;
  probability: number;
  fields: FieldExplanation[];
}
interface Explanation {
  rule?: string;
  model?: string;
  thresholds?: Record<string, number>;
  priorWeight?: number;
  margin?: number | null;
  candidates?: Candidate[];
}

const signed = (w: number) => `${w > 0 ? '+' : ''}${num(w, 1)}`;

export function candidateFields(c: Ctx, cand: Candidate): Html {
  const max = Math.max(1, ...cand.fields.map((f) => Math.abs(f.weight)));
  return html`<table class="weights" data-testid="weights"><thead><tr><th scope="col">${c.t('expl.field')}</th><th scope="col">${c.t('expl.level')}</th><th scope="col" class="num">${c.t('expl.weight')}</th><th scope="col"><span class="sr-only">${c.t('expl.bar')}</span></th></tr></thead><tbody>
    ${cand.fields.map(
      (f) => html`<tr class="${f.weight > 0 ? 'pos' : f.weight < 0 ? 'neg' : ''}"><th scope="row">${c.t.code('mfield', f.field)}</th><td>${c.t.code('level', f.level)}</td>
        <td class="num mono">${signed(f.weight)}${f.tf ? html` <span class="muted" title="${c.t('expl.tf')}">(tf ${signed(f.tf.adjustment)})</span>` : ''}</td><td>${weightBar(f.weight, max)}</td></tr>`,
    )}</tbody>
    <tfoot><tr><th scope="row" colspan="2">${c.t('expl.total')}</th><td class="num mono">${signed(cand.matchWeight)}</td><td>${c.t('expl.probability')} ${pct(cand.probability)}</td></tr></tfoot></table>`;
}

export function explanationView(c: Ctx, raw: unknown): Html {
  if (!raw || typeof raw !== 'object') return html`<p class="muted">${c.t('expl.none')}</p>`;
  const e = raw as Explanation;
  if (!Array.isArray(e.candidates)) return html`<pre class="json">${JSON.stringify(raw, null, 2)}</pre>`;
  return html`<div data-testid="explanation">
    <p>${c.t('expl.rule')}: <strong>${c.t.code('mrule', e.rule)}</strong>
      ${e.thresholds ? html`<span class="muted">· ${c.t('expl.thresholds', { link: pct(e.thresholds.link), review: pct(e.thresholds.review) })}</span>` : ''}</p>
    <p class="muted">${c.t('expl.legend')}</p>
    ${e.candidates.map(
      (cand, i) => html`<h3>${c.t('expl.candidate', { n: i + 1 })} <span class="muted mono">${cand.pid}</span></h3>${candidateFields(c, cand)}`,
    )}
  </div>`;
}
