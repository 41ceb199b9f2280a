// POST /v1/feeds/{feed}: an agency pushes a batch of records. The body is never buffered: the
// request stream goes straight into the intake pipeline (a 100 MB CSV costs no more memory
// than a 1 kB one), so the body limit is enforced here on the stream.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { FEEDS, type FeedFormat } from '../../adapters/index.js';
import { FEED_KINDS, requireRole, type FeedKind } from '../../auth/principal.js';
import { appError, errorBody } from '../../errors.js';
import { batchByIdSql, toBatch, type BatchRow } from '../../intake/batch-repo.js';
import { ingest } from '../../intake/ingest.js';
import { parsePool } from '../../intake/parse-pool.js';
import { ErrorRef, authErrors, shareSchema } from '../schemas.js';

const MEDIA: Record<string, FeedFormat> = {
  'application/json': 'json',
  'text/csv': 'csv',
  'application/xml': 'xml',
  'text/xml': 'xml',
};

// Each feed's incoming-record schema, published so that agencies can build against it.
for (const a of Object.values(FEEDS)) shareSchema(a.schema as { $id?: string });

export const BatchFailureSchema = shareSchema(
  Type.Object(
    {
      statusCode: Type.Integer(),
      code: Type.String(),
      error: Type.String(),
      message: Type.String(),
      batchId: Type.Integer(),
      batch: Type.Ref('Batch'),
    },
    { $id: 'BatchFailure', description: 'The file was recorded as a failed batch: nothing of it was stored; its rejects, if any, are kept.' },
  ),
);

function limitedBody(src: Readable, maxBytes: number): Readable {
  const it = src[Symbol.asyncIterator]();
  let n = 0;
  // Not `for await`: leaving that loop early would destroy the request, and with it the socket
  // the 413 answer has to go out on.
  return Readable.from(
    (async function* () {
      while (true) {
        let r: IteratorResult<Buffer>;
        try {
          r = await it.next();
        } catch (err) {
          throw appError('YPQ_INPUT_ABORTED', (err as Error).message);
        }
        if (r.done) return;
        n += r.value.length;
        if (n > maxBytes) throw appError('YPQ_PAYLOAD_TOO_LARGE', `the body is larger than ${maxBytes} bytes (MAX_BODY_BYTES)`);
        yield r.value;
      }
    })(),
    { objectMode: false },
  );
}

function mediaOf(req: FastifyRequest): FeedFormat {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const f = MEDIA[type];
  if (!f) throw appError('YPQ_UNSUPPORTED_MEDIA', type ? `"${type}"; send application/json, text/csv or application/xml` : '(none); send application/json, text/csv or application/xml');
  return f;
}

export async function feedRoutes(app: FastifyInstance): Promise<void> {
  // In this plugin only: bodies are handed over as streams, unparsed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(Object.keys(MEDIA), (_req, payload, done) => done(null, payload));
  // Parse workers take a moment to start; not on the first agency's push.
  app.addHook('onReady', async () => parsePool().warm());

  const records = Type.Array(Type.Union(Object.values(FEEDS).map((a) => Type.Ref((a.schema as { $id: string }).$id))));
  app.post<{ Params: { feed: string }; Querystring: { fileName?: string } }>(
    '/v1/feeds/:feed',
    {
      // The body is a stream (validated record by record by the feed's adapter); the schema
      // below documents it, and the params are checked in the handler.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Push a batch of one feed: a JSON array of records, or the CSV / XML file as the body',
        description:
          'For agency tokens, for the feeds in the token\'s `feeds` claim that the agency is registered for. ' +
          'CSV may be UTF-8 (with or without BOM) or GBK/GB18030. Records are stored idempotently by (agency, feed, record id): ' +
          'the same content again counts as duplicate, different content supersedes the stored version. ' +
          '201 when the batch stored new or changed records, 200 when it changed nothing; ' +
          '422 (with the batch id) when the file as a whole cannot be read.',
        tags: ['intake'],
        params: Type.Object({ feed: Type.String({ enum: [...FEED_KINDS] }) }),
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 255, description: 'a name to record with the batch' })) }),
        body: {
          content: {
            'application/json': { schema: records },
            'text/csv': { schema: { type: 'string', description: 'the CSV file: Chinese or English header, UTF-8 or GBK' } },
            'application/xml': { schema: { type: 'string', description: 'the XML file (birth, household, marriage)' } },
          },
        },
        response: {
          200: Type.Ref('Batch'),
          201: Type.Ref('Batch'),
          400: ErrorRef,
          ...authErrors,
          404: ErrorRef,
          413: ErrorRef,
          415: ErrorRef,
          422: Type.Ref('BatchFailure'),
        },
      },
    },
    async (req, reply) => {
      const who = req.principal;
      requireRole(who, 'agency');
      const feed = req.params.feed;
      if (!(FEED_KINDS as readonly string[]).includes(feed)) throw appError('YPQ_UNKNOWN_FEED', feed);
      if (!who.feeds.includes(feed as FeedKind)) {
        throw appError('YPQ_FEED_NOT_ALLOWED', who.unit, feed, `the token allows ${who.feeds.join(', ') || 'no feeds'}`);
      }
      const format = mediaOf(req);
      const max = app.ctx.cfg.maxBodyBytes;
      const declared = Number(req.headers['content-length']);
      if (declared > max) throw appError('YPQ_PAYLOAD_TOO_LARGE', `${declared} bytes; the limit is ${max} (MAX_BODY_BYTES)`);
      const fileName = typeof req.query.fileName === 'string' ? req.query.fileName.slice(0, 255) : null;

      const result = await ingest(
        { pool: app.ctx.pool, log: req.log as unknown as typeof app.ctx.log },
        {
          agency: who.unit,
          feed: feed as FeedKind,
          channel: 'http',
          fileName,
          format,
          input: limitedBody(req.body as Readable, max),
          actor: who.sub,
        },
      );
      const row = (await app.ctx.pool.query<BatchRow>(batchByIdSql(result.batchId))).rows[0];
      const batch = toBatch(row);
      reply.header('location', batch.links.self);
      if (result.status === 'failed') {
        const e = result.error ?? { code: 'YPQ_UNPARSEABLE', message: 'the file cannot be read' };
        return reply.status(422).send({ ...errorBody(422, e.code, e.message), batchId: result.batchId, batch });
      }
      return reply.status(result.counts.accepted > 0 ? 201 : 200).send(batch);
    },
  );
}
