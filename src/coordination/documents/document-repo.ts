// coord_documents and coord_attachments: SQL and row mapping.
import type { Attachment, Document, DocumentInput, DocumentKind, DocumentSummary } from './document-schema.js';

export interface DocumentRow {
  id: number;
  kind: DocumentKind;
  county: string;
  unit: string;
  unit_name: string;
  title: string;
  doc_number: string | null;
  body: string;
  published_at: Date;
  created_by: string;
  updated_at: Date;
  attachments: number;
}

export interface AttachmentRow {
  id: number;
  document_id: number;
  file_name: string;
  content_type: string;
  bytes: number;
  sha256: string;
  storage: 'database' | 'folder';
  content?: Buffer | null;
  created_at: Date;
}

export function toSummary(r: DocumentRow): DocumentSummary {
  return {
    id: r.id, kind: r.kind, county: r.county, unit: r.unit, unitName: r.unit_name, title: r.title,
    docNumber: r.doc_number, publishedAt: r.published_at.toISOString(), attachments: r.attachments,
  };
}

export function toDocument(r: DocumentRow, attachments: AttachmentRow[]): Document {
  return {
    id: r.id, kind: r.kind, county: r.county, unit: r.unit, unitName: r.unit_name, title: r.title, docNumber: r.doc_number,
    body: r.body, publishedAt: r.published_at.toISOString(), createdBy: r.created_by, updatedAt: r.updated_at.toISOString(),
    attachments: attachments.map(toAttachment),
  };
}

export function toAttachment(r: AttachmentRow): Attachment {
  return {
    id: r.id, documentId: r.document_id, fileName: r.file_name, contentType: r.content_type, bytes: r.bytes, sha256: r.sha256,
    createdAt: r.created_at.toISOString(),
  };
}

const SELECT = `SELECT d.id, d.kind, d.county, d.unit, u.name AS unit_name, d.title, d.doc_number, d.body, d.published_at,
                       d.created_by, d.updated_at,
                       (SELECT count(*) FROM coord_attachments a WHERE a.document_id = d.id)::int AS attachments
                FROM coord_documents d JOIN coord_units u ON u.code = d.unit`;

export interface DocumentFilter {
  kind: DocumentKind;
  county: string | null;
  unit?: string;
  from?: Date;
  to?: Date;
  after: { key: string; id: number } | null;
  limit: number;
}

/** Newest first; `from`/`to` bound publishedAt (to exclusive). */
export function listDocumentsSql(f: DocumentFilter) {
  return {
    text: `SELECT s.* FROM (${SELECT}
             WHERE d.kind = $1 AND ($2::text IS NULL OR d.county = $2) AND ($3::text IS NULL OR d.unit = $3)
               AND ($4::timestamptz IS NULL OR d.published_at >= $4) AND ($5::timestamptz IS NULL OR d.published_at < $5)
               AND ($6::timestamptz IS NULL OR (d.published_at, d.id) < ($6, $7))
             ORDER BY d.published_at DESC, d.id DESC LIMIT $8) s`,
    values: [f.kind, f.county, f.unit ?? null, f.from ?? null, f.to ?? null, f.after?.key ?? null, f.after?.id ?? 0, f.limit],
  };
}

export function documentByIdSql(id: number) {
  return { text: `${SELECT} WHERE d.id = $1`, values: [id] };
}

export function insertDocumentSql(kind: DocumentKind, county: string, unit: string, d: DocumentInput, by: string, now: Date) {
  return {
    text: `INSERT INTO coord_documents (kind, county, unit, title, doc_number, body, published_at, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, $9), $8, $9, $9) RETURNING id`,
    values: [kind, county, unit, d.title, d.docNumber ?? null, d.body ?? '', d.publishedAt ?? null, by, now],
  };
}

export function updateDocumentSql(id: number, d: DocumentInput, now: Date) {
  return {
    text: `UPDATE coord_documents SET title = $2, doc_number = $3, body = coalesce($4, body),
                  published_at = coalesce($5::timestamptz, published_at), updated_at = $6
           WHERE id = $1`,
    values: [id, d.title, d.docNumber ?? null, d.body ?? null, d.publishedAt ?? null, now],
  };
}

export function deleteDocumentSql(id: number) {
  return { text: 'DELETE FROM coord_documents WHERE id = $1 RETURNING id', values: [id] };
}

export function attachmentsOfSql(documentId: number) {
  return {
    text: `SELECT id, document_id, file_name, content_type, bytes, sha256, storage, created_at
           FROM coord_attachments WHERE document_id = $1 ORDER BY id`,
    values: [documentId],
  };
}

export function attachmentByIdSql(id: number) {
  return { text: 'SELECT * FROM coord_attachments WHERE id = $1', values: [id] };
}

export function insertAttachmentSql(a: {
  documentId: number; fileName: string; contentType: string; bytes: number; sha256: string;
  storage: 'database' | 'folder'; content: Buffer | null; by: string; now: Date;
}) {
  return {
    text: `INSERT INTO coord_attachments (document_id, file_name, content_type, bytes, sha256, storage, content, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           RETURNING id, document_id, file_name, content_type, bytes, sha256, storage, created_at`,
    values: [a.documentId, a.fileName, a.contentType, a.bytes, a.sha256, a.storage, a.content, a.by, a.now],
  };
}
