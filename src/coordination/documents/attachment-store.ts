// Where attachment bytes live: in PostgreSQL (bytea, the default) or, when COORD_ATTACHMENT_DIR
// is set, in that folder under their sha256 (content-addressed, so the same file uploaded twice
// is stored once and a row can never point at bytes that changed).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { appError } from '../../errors.js';

export interface StoredBytes {
  storage: 'database' | 'folder';
  sha256: string;
  /** The bytes to keep in the row, when stored in the database. */
  content: Buffer | null;
}

export function attachmentPath(dir: string, sha256: string): string {
  return path.join(dir, sha256.slice(0, 2), sha256);
}

export async function storeBytes(dir: string | undefined, bytes: Buffer): Promise<StoredBytes> {
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if (!dir) return { storage: 'database', sha256, content: bytes };
  const file = attachmentPath(dir, sha256);
  if (!fs.existsSync(file)) {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader never sees half a file, and two writers of the same bytes agree.
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, bytes, { mode: 0o640 });
    await fs.promises.rename(tmp, file);
  }
  return { storage: 'folder', sha256, content: null };
}

export async function readBytes(dir: string | undefined, row: { storage: 'database' | 'folder'; sha256: string; content?: Buffer | null }): Promise<Buffer> {
  if (row.storage === 'database') return row.content ?? Buffer.alloc(0);
  if (!dir) throw appError('YPQ_INTERNAL', 'the attachment is stored in a folder, but COORD_ATTACHMENT_DIR is not set');
  try {
    return await fs.promises.readFile(attachmentPath(dir, row.sha256));
  } catch (err) {
    throw appError('YPQ_INTERNAL', `attachment bytes missing from COORD_ATTACHMENT_DIR (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
