// The pages' assets, served by the gateway itself (the intranet has no internet): our CSS and
// script, and uPlot from node_modules. A fixed list, read once: no path from a request ever
// reaches the file system. URLs carry a content hash, so browsers may keep them for a year.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const uplotDir = path.dirname(require.resolve('uplot/package.json'));

const FILES: Record<string, { file: string; type: string }> = {
  'app.css': { file: path.join(here, 'assets/app.css'), type: 'text/css; charset=utf-8' },
  'app.js': { file: path.join(here, 'assets/app.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { file: path.join(here, 'assets/charts.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.js': { file: path.join(uplotDir, 'dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { file: path.join(uplotDir, 'dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

interface Loaded {
  body: Buffer;
  type: string;
  hash: string;
}

let loaded: Map<string, Loaded> | undefined;

function load(): Map<string, Loaded> {
  if (!loaded) {
    loaded = new Map();
    for (const [name, f] of Object.entries(FILES)) {
      const body = fs.readFileSync(f.file);
      loaded.set(name, { body, type: f.type, hash: crypto.createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
  }
  return loaded;
}

export type AssetName = keyof typeof FILES;

/** The versioned URL of an asset. */
export function asset(name: AssetName): string {
  return `/ui/assets/${name}?v=${load().get(name)!.hash}`;
}

export async function staticRoutes(app: FastifyInstance): Promise<void> {
  load();
  app.get<{ Params: { name: string } }>(
    '/ui/assets/:name',
    { config: { public: true }, schema: { hide: true } },
    async (req, reply) => {
      const a = load().get(req.params.name);
      if (!a) return reply.status(404).type('text/plain; charset=utf-8').send('not found');
      return reply
        .type(a.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(a.body);
    },
  );
}
