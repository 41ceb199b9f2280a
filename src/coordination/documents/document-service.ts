// Documents and news: any member unit publishes under its own name; every member of the county's
// group reads them; the publishing unit or the office edits, deletes and attaches files.
// Publications are notices, not personal data: lists and reads are not audited, changes and
// attachment downloads (files may hold anything) are.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { countyScope, isOfficeOf, membership, type Member } from '../shared/member.js';
import { decodeCursor, encodeCursor, pageOf } from '../shared/page.js';
import { write } from '../shared/db-errors.js';
import { inTransaction } from '../../db/transaction.js';
import { readBytes, storeBytes } from './attachment-store.js';
import {
  attachmentByIdSql, attachmentsOfSql, deleteDocumentSql, documentByIdSql, insertAttachmentSql, insertDocumentSql,
  listDocumentsSql, toAttachment, toDocument, toSummary, updateDocumentSql, type AttachmentRow, type DocumentRow,
} from './document-repo.js';
import type { Attachment, Document, DocumentInput, DocumentKind, DocumentSummary } from './document-schema.js';

export interface DocumentQuery {
  unit?: string;
  county?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export async function listDocuments(pool: pg.Pool, who: Principal, kind: DocumentKind, q: DocumentQuery): Promise<{ items: DocumentSummary[]; nextCursor: string | null }> {
  const m = await membership(pool, who);
  const { rows } = await pool.query<DocumentRow>(
    listDocumentsSql({
      kind, county: countyScope(m, q.county), unit: q.unit, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined,
      after: decodeCursor(q.cursor), limit: q.limit + 1,
    }),
  );
  return pageOf(rows, q.limit, toSummary, (r) => encodeCursor(r.published_at, r.id));
}

async function loadDocument(db: pg.Pool | pg.PoolClient, m: Member, kind: DocumentKind, id: number): Promise<DocumentRow> {
  const { rows } = await db.query<DocumentRow>(documentByIdSql(id));
  const d = rows[0];
  if (!d || d.kind !== kind || (m.county !== null && d.county !== m.county)) throw appError('YPQ_NOT_FOUND', `${kind} ${id}`);
  return d;
}

function requireEditor(m: Member, d: DocumentRow): void {
  if (d.unit !== m.unit && !isOfficeOf(m, d.county)) throw appError('YPQ_FORBIDDEN', `only unit ${d.unit} or the coordination office edits this`);
}

export async function getDocument(pool: pg.Pool, who: Principal, kind: DocumentKind, id: number): Promise<Document> {
  const m = await membership(pool, who);
  const d = await loadDocument(pool, m, kind, id);
  const { rows } = await pool.query<AttachmentRow>(attachmentsOfSql(id));
  return toDocument(d, rows);
}

export async function createDocument(pool: pg.Pool, who: Principal, kind: DocumentKind, input: DocumentInput): Promise<Document> {
  const m = await membership(pool, who);
  if (m.admin) throw appError('YPQ_FORBIDDEN', 'an admin publishes through a member unit’s account');
  const id = await inTransaction(pool, async (client) => {
    const { rows } = await write<{ id: number }>(client, insertDocumentSql(kind, m.county!, m.unit, input, who.sub, new Date()));
    await audit(client, who, { action: 'create', objectType: `coord_${kind}`, objectId: String(rows[0].id), purpose: 'publication' });
    return rows[0].id;
  });
  return getDocument(pool, who, kind, id);
}

export async function updateDocument(pool: pg.Pool, who: Principal, kind: DocumentKind, id: number, input: DocumentInput): Promise<Document> {
  const m = await membership(pool, who);
  await inTransaction(pool, async (client) => {
    requireEditor(m, await loadDocument(client, m, kind, id));
    await write(client, updateDocumentSql(id, input, new Date()));
    await audit(client, who, { action: 'update', objectType: `coord_${kind}`, objectId: String(id), purpose: 'publication' });
  });
  return getDocument(pool, who, kind, id);
}

export async function deleteDocument(pool: pg.Pool, who: Principal, kind: DocumentKind, id: number): Promise<void> {
  const m = await membership(pool, who);
  await inTransaction(pool, async (client) => {
    requireEditor(m, await loadDocument(client, m, kind, id));
    await client.query(deleteDocumentSql(id));
    await audit(client, who, { action: 'delete', objectType: `coord_${kind}`, objectId: String(id), purpose: 'publication' });
  });
}

export async function addAttachment(
  pool: pg.Pool, who: Principal, kind: DocumentKind, id: number,
  file: { fileName: string; contentType: string; bytes: Buffer }, dir: string | undefined,
): Promise<Attachment> {
  const m = await membership(pool, who);
  requireEditor(m, await loadDocument(pool, m, kind, id));
  const stored = await storeBytes(dir, file.bytes);
  return inTransaction(pool, async (client) => {
    const { rows } = await write<AttachmentRow>(
      client,
      insertAttachmentSql({ documentId: id, fileName: file.fileName, contentType: file.contentType, bytes: file.bytes.length, ...stored, by: who.sub, now: new Date() }),
    );
    await audit(client, who, { action: 'create', objectType: 'coord_attachment', objectId: String(rows[0].id), purpose: 'publication', detail: { documentId: id, bytes: file.bytes.length } });
    return toAttachment(rows[0]);
  });
}

export async function readAttachment(pool: pg.Pool, who: Principal, attachmentId: number, dir: string | undefined): Promise<{ attachment: Attachment; bytes: Buffer }> {
  const m = await membership(pool, who);
  const { rows } = await pool.query<AttachmentRow>(attachmentByIdSql(attachmentId));
  const a = rows[0];
  if (!a) throw appError('YPQ_NOT_FOUND', `attachment ${attachmentId}`);
  const doc = (await pool.query<DocumentRow>(documentByIdSql(a.document_id))).rows[0];
  if (!doc || (m.county !== null && doc.county !== m.county)) throw appError('YPQ_NOT_FOUND', `attachment ${attachmentId}`);
  const bytes = await readBytes(dir, a);
  await audit(pool, who, { action: 'read', objectType: 'coord_attachment', objectId: String(a.id), purpose: 'publication', detail: { documentId: a.document_id } });
  return { attachment: toAttachment(a), bytes };
}
