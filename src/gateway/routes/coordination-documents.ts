// 文件规范 and 最新动态: documents and news of the member units, with attachments.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  addAttachment, createDocument, deleteDocument, getDocument, listDocuments, readAttachment, updateDocument,
} from '../../coordination/documents/document-service.js';
import type { DocumentInput, DocumentKind } from '../../coordination/documents/document-schema.js';
import { CountyCode, CursorParam, IdParams, Limit, UnitCode } from '../../coordination/shared/schema-parts.js';
import { appError } from '../../errors.js';
import { ErrorRef, authErrors } from '../schemas.js';

const ListQuery = Type.Object({
  unit: Type.Optional(UnitCode),
  county: Type.Optional(CountyCode),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'published at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'published before' })),
  limit: Limit,
  cursor: CursorParam,
});

const PATHS: Record<DocumentKind, string> = { document: '/v1/coordination/documents', news: '/v1/coordination/news' };
const NAMES: Record<DocumentKind, string> = { document: 'documents (文件规范)', news: 'news items (最新动态)' };

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name for Chinese file names. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function coordinationDocumentRoutes(app: FastifyInstance): Promise<void> {
  const { pool, cfg } = app.ctx;
  // Attachments arrive as the raw body of any type but JSON (this plugin's scope only).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: cfg.coordAttachmentMaxBytes }, (_req, body, done) => done(null, body));

  for (const kind of ['document', 'news'] as const) {
    const base = PATHS[kind];
    app.get<{ Querystring: typeof ListQuery.static }>(
      base,
      {
        schema: {
          summary: `Published ${NAMES[kind]}, newest first; filter by unit and date`,
          tags: ['coordination'],
          querystring: ListQuery,
          response: { 200: Type.Ref('CoordDocumentPage'), 400: ErrorRef, ...authErrors },
        },
      },
      async (req) => listDocuments(pool, req.principal, kind, { ...req.query, limit: req.query.limit ?? 50 }),
    );
    app.post<{ Body: DocumentInput }>(
      base,
      {
        schema: {
          summary: `Publish ${kind === 'news' ? 'a news item' : 'a document'} under the caller’s unit`,
          tags: ['coordination'],
          body: Type.Ref('CoordDocumentInput'),
          response: { 201: Type.Ref('CoordDocument'), 400: ErrorRef, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await createDocument(pool, req.principal, kind, req.body)),
    );
    app.get<{ Params: { id: number } }>(
      `${base}/:id`,
      { schema: { summary: `One ${kind} with its attachments`, tags: ['coordination'], params: IdParams, response: { 200: Type.Ref('CoordDocument'), 404: ErrorRef, ...authErrors } } },
      async (req) => getDocument(pool, req.principal, kind, req.params.id),
    );
    app.put<{ Params: { id: number }; Body: DocumentInput }>(
      `${base}/:id`,
      {
        schema: {
          summary: `Change a ${kind} (its unit, or the coordination office)`,
          tags: ['coordination'],
          params: IdParams,
          body: Type.Ref('CoordDocumentInput'),
          response: { 200: Type.Ref('CoordDocument'), 400: ErrorRef, 404: ErrorRef, ...authErrors },
        },
      },
      async (req) => updateDocument(pool, req.principal, kind, req.params.id, req.body),
    );
    app.delete<{ Params: { id: number } }>(
      `${base}/:id`,
      { schema: { summary: `Withdraw a ${kind}`, tags: ['coordination'], params: IdParams, response: { 204: Type.Null(), 404: ErrorRef, ...authErrors } } },
      async (req, reply) => {
        await deleteDocument(pool, req.principal, kind, req.params.id);
        return reply.status(204).send();
      },
    );
    app.post<{ Params: { id: number }; Querystring: { name: string } }>(
      `${base}/:id/attachments`,
      {
        schema: {
          summary: `Attach a file to a ${kind}: the raw bytes as the body, the file name in ?name=`,
          tags: ['coordination'],
          params: IdParams,
          querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\]+$' }) }),
          response: { 201: Type.Ref('CoordAttachment'), 400: ErrorRef, 404: ErrorRef, 413: ErrorRef, 415: ErrorRef, ...authErrors },
        },
      },
      async (req, reply) => {
        if (typeof req.body === 'string') req.body = Buffer.from(req.body);
        if (!Buffer.isBuffer(req.body)) throw appError('YPQ_UNSUPPORTED_MEDIA', `${req.headers['content-type']} (send the file's own type, e.g. application/pdf)`);
        const contentType = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim();
        const a = await addAttachment(pool, req.principal, kind, req.params.id, { fileName: req.query.name, contentType, bytes: req.body }, cfg.coordAttachmentDir);
        return reply.status(201).send(a);
      },
    );
  }

  app.get<{ Params: { id: number } }>(
    '/v1/coordination/attachments/:id',
    {
      schema: {
        summary: 'Download an attachment (audited)',
        tags: ['coordination'],
        params: IdParams,
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), 404: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const { attachment, bytes } = await readAttachment(pool, req.principal, req.params.id, cfg.coordAttachmentDir);
      return reply
        .header('content-type', attachment.contentType)
        .header('content-disposition', contentDisposition(attachment.fileName))
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
}
