// The contract every delivery channel fulfils: deliver one outbox row, or throw why not.
import type { OutboxRow } from './outbox-repo.js';

export interface Sender {
  /** Resolves once the receiver acknowledged (2xx); throws a DeliveryError otherwise. */
  send(n: OutboxRow): Promise<void>;
}

/** A failed attempt; the message is stored as last_error and must hold no personal data. */
export class DeliveryError extends Error {}

/** POSTs a body and turns anything but a 2xx answer into a DeliveryError. */
export async function postOnce(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    // A redirect is not followed: the configured receiver must answer itself.
    res = await fetch(url, {
      method: 'POST', body, redirect: 'manual', headers: { 'user-agent': 'yipanqi', ...headers }, signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new DeliveryError(e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message), { cause: err });
  }
  // Drain the body so the connection is reused; its content is the receiver's business.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new DeliveryError(`HTTP ${res.status}`);
}
