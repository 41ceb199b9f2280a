// Notifications as the API shows them, and the subscriptions that decide who gets which event.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';

export const NOTIFY_EVENTS = ['case.raised', 'case.escalated', 'case.delegated', 'case.answered'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export const CHANNELS = ['webhook', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const literals = <T extends readonly string[]>(xs: T) => Type.Unsafe<T[number]>(Type.Union(xs.map((x) => Type.Literal(x))));
const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** What a notification says: enough to find the case, nothing personal (the case is read through the audited API). */
export const NotificationMessageSchema = shareSchema(
  Type.Object(
    {
      event: literals(NOTIFY_EVENTS),
      caseId: Type.Integer(),
      rule: Type.String(),
      title: Type.String(),
      township: Type.Union([Type.String(), Type.Null()]),
      county: Type.String(),
      deadline: Timestamp,
      escalationLevel: Type.Integer(),
      occurredAt: Timestamp,
      delegation: Type.Optional(
        Type.Object({ id: Type.Integer(), fromUnit: Type.String(), toUnit: Type.String(), deadline: Timestamp }),
      ),
    },
    { $id: 'NotificationMessage' },
  ),
);
export type NotificationMessage = Static<typeof NotificationMessageSchema>;

export const NotificationSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      idempotencyKey: Type.String({ description: 'sent as the Idempotency-Key header; the same on every retry' }),
      event: literals(NOTIFY_EVENTS),
      caseId: Type.Integer(),
      unit: Type.String({ description: 'the recipient township or county' }),
      subscriptionId: Type.Union([Type.Integer(), Type.Null()]),
      channel: literals(CHANNELS),
      target: Type.String(),
      status: literals(DELIVERY_STATUSES),
      attempts: Type.Integer(),
      nextAttemptAt: Timestamp,
      lastError: Type.Union([Type.String(), Type.Null()]),
      createdAt: Timestamp,
      deliveredAt: NullableTimestamp,
      message: Type.Ref('NotificationMessage'),
    },
    { $id: 'Notification' },
  ),
);
export type Notification = Omit<Static<typeof NotificationSchema>, 'message'> & { message: NotificationMessage };

export const NotificationPageSchema = shareSchema(
  Type.Object(
    { items: Type.Array(Type.Ref('Notification')), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { $id: 'NotificationPage' },
  ),
);

export const NewSubscriptionSchema = shareSchema(
  Type.Object(
    {
      unit: Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$', description: 'a township (9 digits) or county (6 digits)' }),
      channel: literals(CHANNELS),
      target: Type.String({ minLength: 1, maxLength: 500, description: 'an http(s) URL for a webhook, a phone number for SMS' }),
      events: Type.Optional(Type.Array(literals(NOTIFY_EVENTS), { minItems: 1, uniqueItems: true })),
    },
    { $id: 'NewSubscription', additionalProperties: false },
  ),
);
export type NewSubscription = Static<typeof NewSubscriptionSchema>;

export const SubscriptionSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      unit: Type.String(),
      channel: literals(CHANNELS),
      target: Type.String(),
      events: Type.Array(literals(NOTIFY_EVENTS)),
      active: Type.Boolean(),
      createdAt: Timestamp,
    },
    { $id: 'Subscription' },
  ),
);
export type Subscription = Static<typeof SubscriptionSchema>;
