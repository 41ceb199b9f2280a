// The SMS gateway adapter: a JSON POST to the configured gateway, which sends the text. The text
// comes from a template filled with the case's number, rule title, unit, deadline and event,
// never with personal data: the official opens the case in the gateway to see who it is about.
import type { NotificationMessage } from './notify-schema.js';
import type { OutboxRow } from './outbox-repo.js';
import { DeliveryError, postOnce, type Sender } from './sender.js';

const EVENT_TEXT: Record<NotificationMessage['event'], string> = {
  'case.raised': '已派发',
  'case.escalated': '已超期，上报县级督办',
  'case.delegated': '委托贵单位协办',
  'case.answered': '委托已答复',
};

/** Beijing time (UTC+8 all year), to the minute. */
function beijingTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function renderSms(template: string, m: NotificationMessage): string {
  const deadline = m.delegation?.deadline ?? m.deadline;
  const values: Record<string, string> = {
    caseId: String(m.caseId),
    rule: m.rule,
    title: m.title,
    unit: m.township ?? m.county,
    deadline: beijingTime(deadline),
    event: m.event === 'case.escalated' && m.escalationLevel >= 2 ? '超期未办结，再次上报督办' : EVENT_TEXT[m.event],
    level: String(m.escalationLevel),
  };
  return template.replace(/\{(\w+)\}/g, (all, k: string) => values[k] ?? all);
}

export function smsSender(o: { url: string | undefined; template: string; timeoutMs: number }): Sender {
  return {
    async send(n: OutboxRow) {
      if (!o.url) throw new DeliveryError('no SMS gateway configured (NOTIFY_SMS_URL)');
      const body = JSON.stringify({ to: n.target, text: renderSms(o.template, n.message), reference: n.idempotency_key });
      await postOnce(o.url, body, { 'content-type': 'application/json', 'idempotency-key': n.idempotency_key }, o.timeoutMs);
    },
  };
}
