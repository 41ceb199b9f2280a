// 文件规范 and 最新动态: what member units publish, with attachments.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableString, Timestamp, literals, pageOfRef } from '../shared/schema-parts.js';

export const DOCUMENT_KINDS = ['document', 'news'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DocumentInputSchema = shareSchema(
  Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 200 }),
      docNumber: Type.Optional(Type.Union([Type.String({ maxLength: 100, description: '文号' }), Type.Null()])),
      body: Type.Optional(Type.String({ maxLength: 200000 })),
      publishedAt: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    },
    { $id: 'CoordDocumentInput', additionalProperties: false },
  ),
);
export type DocumentInput = Static<typeof DocumentInputSchema>;

export const AttachmentSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      documentId: Type.Integer(),
      fileName: Type.String(),
      contentType: Type.String(),
      bytes: Type.Integer(),
      sha256: Type.String(),
      createdAt: Timestamp,
    },
    { $id: 'CoordAttachment' },
  ),
);
export type Attachment = Static<typeof AttachmentSchema>;

export const DocumentSummarySchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      kind: literals(DOCUMENT_KINDS),
      county: Type.String(),
      unit: Type.String(),
      unitName: Type.String(),
      title: Type.String(),
      docNumber: NullableString,
      publishedAt: Timestamp,
      attachments: Type.Integer({ description: 'how many' }),
    },
    { $id: 'CoordDocumentSummary' },
  ),
);
export type DocumentSummary = Static<typeof DocumentSummarySchema>;

export const DocumentSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      kind: literals(DOCUMENT_KINDS),
      county: Type.String(),
      unit: Type.String(),
      unitName: Type.String(),
      title: Type.String(),
      docNumber: NullableString,
      body: Type.String(),
      publishedAt: Timestamp,
      createdBy: Type.String(),
      updatedAt: Timestamp,
      attachments: Type.Array(Type.Ref('CoordAttachment')),
    },
    { $id: 'CoordDocument' },
  ),
);
export type Document = Omit<Static<typeof DocumentSchema>, 'attachments'> & { attachments: Attachment[] };

export const DocumentPageSchema = shareSchema(pageOfRef('CoordDocumentPage', 'CoordDocumentSummary'));
