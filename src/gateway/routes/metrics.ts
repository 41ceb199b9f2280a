// Prometheus metrics: process defaults plus request counts and latencies per route.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { authErrors } from '../schemas.js';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'yipanqi_' });

const httpDuration = new client.Histogram({
  name: 'yipanqi_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export function observeRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['system'], produces: ['text/plain'], response: { ...authErrors } } },
    async (_req, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}
