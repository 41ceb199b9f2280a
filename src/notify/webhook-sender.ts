// Webhooks: the notification as a JWS (ES256, the gateway's local key) in the body, so that the
// receiver can check where it came from with the key published at GET /v1/keys.
//
// The signed claims are { jti: <idempotency key>, notification: {…} } with iss, aud, iat and a
// one-hour exp (each attempt is signed afresh). They name no sub, role or unit, so a webhook body
// can never pass as a bearer token for the API.
import type { KeyRing } from '../auth/keys.js';
import type { OutboxRow } from './outbox-repo.js';
import { DeliveryError, postOnce, type Sender } from './sender.js';

export const WEBHOOK_CONTENT_TYPE = 'application/jose';

export function webhookSender(o: { keys: KeyRing; timeoutMs: number }): Sender {
  return {
    async send(n: OutboxRow) {
      if (!o.keys.sign) throw new DeliveryError('webhooks need the local signing key (JWKS_URL or JWT_PUBLIC_KEY is set)');
      const jws = await o.keys.sign({ jti: n.idempotency_key, notification: n.message }, '1h');
      await postOnce(
        n.target,
        jws,
        {
          'content-type': WEBHOOK_CONTENT_TYPE,
          'idempotency-key': n.idempotency_key,
          'x-yipanqi-event': n.event,
          'x-yipanqi-attempt': String(n.attempts),
        },
        o.timeoutMs,
      );
    },
  };
}
