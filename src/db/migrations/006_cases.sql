-- Cases: work the rules raise for a township (or a county's own queue), with a deadline, a
-- history of every action, handovers (委托) between townships, and notifications that leave
-- through an outbox. The rule catalog lives in src/rules/catalog.ts.

CREATE TABLE cases (
  id               bigserial PRIMARY KEY,
  rule             text NOT NULL,
  -- The cause, per rule: the same (rule, dedup_key) is never raised twice; see cases_dedup.
  dedup_key        text NOT NULL CHECK (length(dedup_key) BETWEEN 1 AND 200),
  subjects         text[] NOT NULL DEFAULT '{}',        -- population pids the case is about
  -- The responsible township; NULL when the case sits in the county's own queue
  -- (its division code named the county itself, not a township).
  township         text CHECK (township ~ '^[0-9]{9}$'),
  county           text NOT NULL CHECK (county ~ '^[0-9]{6}$'),
  status           text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'accepted', 'resolved', 'returned', 'closed')),
  return_reason    text,
  closure          text CHECK (closure IN ('archived', 'cause_gone')),
  close_reason     text,
  deadline         timestamptz NOT NULL,
  escalation_level smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  escalated_at     timestamptz,
  payload          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(payload) = 'object'),
  explanation      jsonb,                               -- the match explanation, filled by matching
  source           jsonb NOT NULL CHECK (jsonb_typeof(source) = 'object'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz,
  CONSTRAINT cases_township_in_county CHECK (township IS NULL OR left(township, 6) = county),
  CONSTRAINT cases_closed_has_closure CHECK ((status = 'closed') = (closure IS NOT NULL)),
  CONSTRAINT cases_returned_has_reason CHECK (status <> 'returned' OR return_reason IS NOT NULL)
);
-- One case per cause. A case closed because its cause disappeared frees the key, so that the
-- cause coming back raises a new case; every other case, closed or not, keeps it.
CREATE UNIQUE INDEX cases_dedup ON cases (rule, dedup_key) WHERE closure IS DISTINCT FROM 'cause_gone';
CREATE INDEX cases_township ON cases (township, status, deadline, id);
CREATE INDEX cases_county ON cases (county, status, deadline, id);
CREATE INDEX cases_deadline ON cases (deadline, id) WHERE status IN ('open', 'accepted');
CREATE INDEX cases_subjects ON cases USING gin (subjects);

-- Every action on a case: who, from which unit, when, what, and their comment.
CREATE TABLE case_history (
  id       bigserial PRIMARY KEY,
  case_id  bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL DEFAULT now(),
  actor    text NOT NULL,
  role     text NOT NULL,
  unit     text NOT NULL,
  action   text NOT NULL CHECK (action IN ('raise', 'accept', 'resolve', 'return', 'delegate', 'answer',
                                           'withdraw', 'comment', 'escalate', 'close', 'auto_close')),
  comment  text,
  detail   jsonb
);
CREATE INDEX case_history_case ON case_history (case_id, id);

-- Handovers (委托): the owning township asks another township to act, with its own deadline.
CREATE TABLE case_delegations (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  from_unit   text NOT NULL,
  to_unit     text NOT NULL CHECK (to_unit ~ '^[0-9]{9}$'),
  deadline    timestamptz NOT NULL,
  request     text NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'answered', 'withdrawn')),
  answer      text,
  answered_by text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  CONSTRAINT case_delegations_elsewhere CHECK (to_unit <> from_unit)
);
CREATE UNIQUE INDEX case_delegations_one_pending ON case_delegations (case_id) WHERE status = 'pending';
CREATE INDEX case_delegations_to ON case_delegations (to_unit, case_id);
CREATE INDEX case_delegations_case ON case_delegations (case_id, id);

-- Who is told about which events, per township or county.
CREATE TABLE notification_subscriptions (
  id         bigserial PRIMARY KEY,
  unit       text NOT NULL CHECK (unit ~ '^([0-9]{6}|[0-9]{9})$'),
  channel    text NOT NULL CHECK (channel IN ('webhook', 'sms')),
  target     text NOT NULL CHECK (length(target) BETWEEN 1 AND 500),   -- a URL, or a phone number
  events     text[] NOT NULL DEFAULT '{case.raised,case.escalated,case.delegated,case.answered}'
             CHECK (events <@ '{case.raised,case.escalated,case.delegated,case.answered}'::text[]),
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notification_subscriptions_once UNIQUE (unit, channel, target)
);

-- The outbox: one row per event and recipient, written in the transaction that changed the case,
-- delivered (and retried with backoff) by the notify-deliver job. The message holds no personal
-- data; the receiver reads the case through the audited API.
CREATE TABLE notification_outbox (
  id              bigserial PRIMARY KEY,
  idempotency_key uuid NOT NULL DEFAULT gen_random_uuid(),
  event           text NOT NULL CHECK (event IN ('case.raised', 'case.escalated', 'case.delegated', 'case.answered')),
  case_id         bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  unit            text NOT NULL,
  subscription_id bigint REFERENCES notification_subscriptions (id) ON DELETE SET NULL,
  channel         text NOT NULL CHECK (channel IN ('webhook', 'sms')),
  target          text NOT NULL,
  message         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  CONSTRAINT notification_outbox_key UNIQUE (idempotency_key)
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX notification_outbox_status ON notification_outbox (status, id);
