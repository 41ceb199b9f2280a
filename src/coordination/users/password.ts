// Password hashes: scrypt (node:crypto, no native add-on), stored as
// scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>, so the cost can rise later without breaking
// old hashes. Comparison is constant-time.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { appError } from '../../errors.js';

const scrypt = promisify(crypto.scrypt) as (pw: crypto.BinaryLike, salt: crypto.BinaryLike, len: number, o: crypto.ScryptOptions) => Promise<Buffer>;
const KEY_LEN = 32;

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LEN, { N: cost, r, p, maxmem: 256 * cost * r });
  return `scrypt$${cost}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const key = await scrypt(password.normalize('NFC'), salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  return crypto.timingSafeEqual(key, expected);
}

/** At least 10 characters, of at least two kinds (letters, digits, others), not the user name. */
export function checkPasswordPolicy(password: string, username: string): void {
  if (password.length < 10) throw appError('YPQ_PASSWORD_POLICY', 'at least 10 characters');
  const kinds = [/[A-Za-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 2) throw appError('YPQ_PASSWORD_POLICY', 'mix at least two of letters, digits and other characters');
  if (password.toLowerCase().includes(username.toLowerCase())) throw appError('YPQ_PASSWORD_POLICY', 'must not contain the user name');
}
