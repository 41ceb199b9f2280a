// The HTTP surface: fastify with schema-first routes, one error shape, bearer-token auth on every
// route but /healthz, and the OpenAPI description built from the same route schemas.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, appError, errorBody } from '../errors.js';
import type { KeyRing } from '../auth/keys.js';
import { principalFromClaims, type Principal } from '../auth/principal.js';
import { requireLiveUser } from '../coordination/users/user-service.js';
import { registerSchemas } from './schemas.js';
import { metricsRoutes, observeRequests } from './routes/metrics.js';
import { healthRoutes } from './routes/health.js';
import { referenceRoutes } from './routes/reference.js';
import { personRoutes } from './routes/persons.js';
import { caseRoutes } from './routes/cases.js';
import { notificationRoutes } from './routes/notifications.js';
import { keyRoutes } from './routes/keys.js';
import { coordinationRoutes } from './routes/coordination-routes.js';
import { feedRoutes } from './routes/feeds.js';
import { batchRoutes } from './routes/batches.js';
import { linkRoutes } from './routes/links.js';
import { reviewRoutes } from './routes/review.js';
import { webRoutes } from '../web/index.js';
import { sessionPrincipal } from '../web/session.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a token (/healthz, the login, the web pages' login form and assets). */
    public?: boolean;
    /** Web pages: authenticated by the session cookie instead of the header (src/web/session.ts). */
    session?: boolean;
  }
  interface FastifyInstance {
    ctx: AppContext;
    /** Every route registered, for the test that proves each one is guarded. */
    routeList: { method: string; url: string }[];
  }
}

export interface AppContext {
  cfg: Config;
  pool: pg.Pool;
  keys: KeyRing;
  log: Logger;
}

/** Plugins that later stages add (intake, cases, …) register through this list. */
export type RoutePlugin = (app: FastifyInstance) => Promise<void>;

export async function buildApp(ctx: AppContext, extra: RoutePlugin[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log.child({ component: 'http' }) as unknown as FastifyBaseLogger,
    bodyLimit: ctx.cfg.maxBodyBytes,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  });
  app.decorate('ctx', ctx);
  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routeList.push({ method: m, url: r.url });
  });
  app.decorateRequest('principal', null as unknown as Principal);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'yipanqi gateway', version: '0.1.0', description: 'Inter-agency data exchange for population-information platforms.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  registerSchemas(app);

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public) return;
    // Pages take the session cookie and only the cookie; the API takes the header and only the header.
    req.principal = req.routeOptions.config?.session ? await sessionPrincipal(ctx, req) : await authenticate(ctx, req);
  });
  observeRequests(app);

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    if (err instanceof AppError) return reply.status(err.statusCode).send(err.toJSON());
    if (err.validation) return reply.status(400).send(errorBody(400, 'YPQ_VALIDATION', err.message));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.status(413).send(errorBody(413, 'YPQ_PAYLOAD_TOO_LARGE', err.message));
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.status(415).send(errorBody(415, 'YPQ_UNSUPPORTED_MEDIA', err.message));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody(err.statusCode, 'YPQ_BAD_REQUEST', err.message));
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody(500, 'YPQ_INTERNAL', 'the request failed; see the gateway log'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(appError('YPQ_ROUTE_NOT_FOUND', `${req.method} ${req.url.split('?')[0]}`).toJSON());
  });

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(referenceRoutes);
  await app.register(personRoutes);
  await app.register(caseRoutes);
  await app.register(notificationRoutes);
  await app.register(keyRoutes);
  for (const plugin of coordinationRoutes) await app.register(plugin);
  await app.register(feedRoutes);
  await app.register(batchRoutes);
  await app.register(linkRoutes);
  await app.register(reviewRoutes);
  await app.register(webRoutes);
  for (const plugin of extra) await app.register(plugin);
  // The viewer is registered last so that it documents every route above.
  await app.register(swaggerUi, { routePrefix: '/docs' });
  return app;
}

async function authenticate(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  if (!m) throw appError('YPQ_UNAUTHORIZED', 'send Authorization: Bearer <JWT>');
  let claims;
  try {
    claims = await ctx.keys.verify(m[1]);
  } catch (err) {
    throw new AppError('YPQ_UNAUTHORIZED', [(err as { code?: string }).code ?? 'bad token'], { cause: err });
  }
  const principal = principalFromClaims(claims);
  // A login token stops working on every route once its user is disabled or changes password.
  await requireLiveUser(ctx.pool, m[1]);
  return principal;
}
