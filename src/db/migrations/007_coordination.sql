-- Coordination (the county platform's eight modules): member units and their duties, documents
-- and news with attachments, business items between units (submit → assign → handle →
-- supervise → archive, with returns), an archive searchable in Chinese, a Q&A board, reminders,
-- monthly data-sharing and supervision figures, and the gateway's users.
--
-- Scale: everything here is small next to the intake and case tables (a county's items number
-- in the thousands a year); the monthly figures are computed from those large tables by set-based
-- SQL in src/coordination/{data-sharing,supervision} and stored here.

-- Chinese full-text search. PostgreSQL's text-search parser does not split Chinese words and
-- pg_trgm extracts no trigrams from CJK characters under the C locale the gateway's cluster uses,
-- so text is indexed as character n-grams: every character and every pair of neighbouring
-- characters, within segments split at spaces and punctuation (ASCII and full-width).
CREATE FUNCTION coord_search_segments(t text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT seg FROM regexp_split_to_table(lower(t), '[\s[:punct:]　，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕…—～·・]+') AS seg
  WHERE seg <> ''
$$;

-- What a document is indexed under: unigrams and bigrams.
CREATE FUNCTION coord_ngrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM coord_search_segments(t) AS seg
  CROSS JOIN LATERAL generate_series(1, length(seg)) AS i
  CROSS JOIN LATERAL (VALUES (substr(seg, i, 1)), (CASE WHEN i < length(seg) THEN substr(seg, i, 2) END)) AS v (g)
  WHERE g IS NOT NULL
$$;

-- What a query looks for: the bigrams of each segment (a one-character segment: itself).
CREATE FUNCTION coord_query_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(seg, i, least(2, length(seg)))), '{}')
  FROM coord_search_segments(t) AS seg
  CROSS JOIN LATERAL generate_series(1, greatest(length(seg) - 1, 1)) AS i
$$;

-- 组织领导: the coordination group's member units, each with its duties and contacts. A unit's
-- code is what its users' tokens carry as `unit`: an agency code, a township (9 digits) or the
-- county itself (6 digits, the coordination office).
CREATE TABLE coord_units (
  code           text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  county         text NOT NULL CHECK (county ~ '^[0-9]{6}$'),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind           text NOT NULL CHECK (kind IN ('office', 'department', 'agency', 'township')),
  duties         text NOT NULL DEFAULT '' CHECK (length(duties) <= 4000),
  topics         text[] NOT NULL DEFAULT '{}',      -- what to ask this unit about
  leader         text,                               -- responsible leader (分管领导)
  leader_title   text,
  office         text,                               -- responsible office (责任科室)
  contact_name   text,
  contact_phone  text,
  notify_webhook text CHECK (notify_webhook ~ '^https?://'),  -- where reminders are POSTed
  notify_sms     text,                                        -- a phone number reminders go to by SMS
  sort_order     integer NOT NULL DEFAULT 0,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT coord_units_office_is_county CHECK (kind <> 'office' OR code = county),
  CONSTRAINT coord_units_township_in_county CHECK (kind <> 'township' OR (code ~ '^[0-9]{9}$' AND left(code, 6) = county))
);
CREATE INDEX coord_units_county ON coord_units (county, sort_order, code);
CREATE INDEX coord_units_topics ON coord_units USING gin (topics);

-- 文件规范 and 最新动态: what units publish.
CREATE TABLE coord_documents (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('document', 'news')),
  county       text NOT NULL CHECK (county ~ '^[0-9]{6}$'),
  unit         text NOT NULL REFERENCES coord_units (code),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  doc_number   text CHECK (length(doc_number) <= 100),   -- 文号
  body         text NOT NULL DEFAULT '' CHECK (length(body) <= 200000),
  published_at timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coord_documents_list ON coord_documents (county, kind, published_at DESC, id DESC);
CREATE INDEX coord_documents_unit ON coord_documents (unit, kind, published_at DESC, id DESC);

-- Attachments live in the database (content) or in COORD_ATTACHMENT_DIR (by sha256).
CREATE TABLE coord_attachments (
  id           bigserial PRIMARY KEY,
  document_id  bigint NOT NULL REFERENCES coord_documents (id) ON DELETE CASCADE,
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL,
  bytes        bigint NOT NULL CHECK (bytes >= 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage      text NOT NULL CHECK (storage IN ('database', 'folder')),
  content      bytea,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT coord_attachments_content_where_stored CHECK ((storage = 'database') = (content IS NOT NULL))
);
CREATE INDEX coord_attachments_document ON coord_attachments (document_id, id);

-- 业务办理: business items. The requesting unit submits; the coordination office (the county)
-- assigns handling units with deadlines; each handling unit submits its result; the office
-- archives the item or returns assignments with a new deadline, until done.
CREATE TABLE coord_items (
  id                 bigserial PRIMARY KEY,
  county             text NOT NULL CHECK (county ~ '^[0-9]{6}$'),
  requester          text NOT NULL REFERENCES coord_units (code),
  title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  details            text NOT NULL CHECK (length(details) <= 20000),
  requested_handling text NOT NULL DEFAULT '' CHECK (length(requested_handling) <= 4000),
  status             text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'in_progress', 'handled', 'archived')),
  returns            integer NOT NULL DEFAULT 0,
  on_time            boolean,                          -- set when archived
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  assigned_at        timestamptz,
  handled_at         timestamptz,
  archived_at        timestamptz,
  -- Filled when archived: what the archive search reads (title, details, handling, results).
  search_text        text NOT NULL DEFAULT '',
  search_grams       text[] GENERATED ALWAYS AS (coord_ngrams(search_text)) STORED,
  CONSTRAINT coord_items_archived_at CHECK ((status = 'archived') = (archived_at IS NOT NULL))
);
CREATE INDEX coord_items_county ON coord_items (county, status, id DESC);
CREATE INDEX coord_items_requester ON coord_items (requester, status, id DESC);
CREATE INDEX coord_items_archive ON coord_items (county, archived_at DESC, id DESC) WHERE status = 'archived';
CREATE INDEX coord_items_search ON coord_items USING gin (search_grams) WHERE status = 'archived';

CREATE TABLE coord_item_assignments (
  id             bigserial PRIMARY KEY,
  item_id        bigint NOT NULL REFERENCES coord_items (id) ON DELETE CASCADE,
  unit           text NOT NULL REFERENCES coord_units (code),
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'submitted')),
  first_deadline timestamptz NOT NULL,
  deadline       timestamptz NOT NULL,
  returns        integer NOT NULL DEFAULT 0,            -- times the office sent it back
  late           boolean NOT NULL DEFAULT false,        -- a submission came after its deadline
  result         text CHECK (length(result) <= 20000),
  submitted_by   text,
  submitted_at   timestamptz,
  assigned_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT coord_item_assignments_once UNIQUE (item_id, unit),
  CONSTRAINT coord_item_assignments_submitted CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE INDEX coord_item_assignments_unit ON coord_item_assignments (unit, status, item_id DESC);
CREATE INDEX coord_item_assignments_due ON coord_item_assignments (deadline, id) WHERE status = 'pending';

CREATE TABLE coord_item_events (
  id      bigserial PRIMARY KEY,
  item_id bigint NOT NULL REFERENCES coord_items (id) ON DELETE CASCADE,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  role    text NOT NULL,
  unit    text NOT NULL,
  action  text NOT NULL CHECK (action IN ('submit', 'assign', 'handle', 'result', 'feedback', 'return', 'archive', 'remind')),
  comment text,
  detail  jsonb
);
CREATE INDEX coord_item_events_item ON coord_item_events (item_id, id);

-- 交流园地: questions from units, answered by the responsible unit.
CREATE TABLE coord_questions (
  id          bigserial PRIMARY KEY,
  county      text NOT NULL CHECK (county ~ '^[0-9]{6}$'),
  asker       text NOT NULL REFERENCES coord_units (code),
  to_unit     text REFERENCES coord_units (code),       -- the responsible unit; NULL: anyone may answer
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body        text NOT NULL CHECK (length(body) <= 20000),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  CONSTRAINT coord_questions_answered CHECK ((status = 'answered') = (answered_at IS NOT NULL))
);
CREATE INDEX coord_questions_county ON coord_questions (county, status, id DESC);
CREATE INDEX coord_questions_to ON coord_questions (to_unit, status, id DESC);

CREATE TABLE coord_answers (
  id          bigserial PRIMARY KEY,
  question_id bigint NOT NULL REFERENCES coord_questions (id) ON DELETE CASCADE,
  unit        text NOT NULL,
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coord_answers_question ON coord_answers (question_id, id);

-- Reminders and notices to a unit (overdue items, results, late data supply): listed in the API
-- and delivered to the unit's webhook / SMS number. `ref` makes each one once per cause (the
-- cron that raises them runs at least once, sometimes twice).
CREATE TABLE coord_reminders (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('item_assigned', 'item_result', 'item_returned', 'item_overdue',
                                           'sharing_late', 'sharing_incomplete')),
  unit       text NOT NULL,
  item_id    bigint REFERENCES coord_items (id) ON DELETE CASCADE,
  ref        text NOT NULL,
  message    jsonb NOT NULL,                              -- never personal data
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz,
  CONSTRAINT coord_reminders_once UNIQUE (kind, unit, ref)
);
CREATE INDEX coord_reminders_unit ON coord_reminders (unit, id DESC);

-- Delivery of reminders, with retries and a dead letter, in the manner of notification_outbox
-- (which only takes case events): claimed with SKIP LOCKED, sent with an Idempotency-Key.
CREATE TABLE coord_reminder_deliveries (
  id              bigserial PRIMARY KEY,
  reminder_id     bigint NOT NULL REFERENCES coord_reminders (id) ON DELETE CASCADE,
  idempotency_key uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  channel         text NOT NULL CHECK (channel IN ('webhook', 'sms')),
  target          text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX coord_reminder_deliveries_due ON coord_reminder_deliveries (next_attempt_at, id) WHERE status = 'pending';

-- Per committed batch: the records it stored and, per measured field, how many give a value.
-- A batch's records never change (a version a later correction supersedes keeps its batch_id),
-- so each batch is counted once, soon after it lands, and the monthly summary adds up a few
-- thousand of these rows instead of parsing millions of records. `fields` is the field list the
-- counts are for: when the list in the code changes, the batch is counted again.
CREATE TABLE coord_batch_fields (
  batch_id   bigint PRIMARY KEY REFERENCES batches (id) ON DELETE CASCADE,
  agency     text NOT NULL,
  feed       text NOT NULL,
  fields     text[] NOT NULL,
  records    bigint NOT NULL,
  filled     bigint[] NOT NULL,
  counted_at timestamptz NOT NULL
);

-- 数据共享: one row per agency, feed and month, computed from batches, rejects and stored records.
CREATE TABLE coord_sharing_monthly (
  month               date NOT NULL CHECK (extract(day FROM month) = 1),
  agency              text NOT NULL,
  feed                text NOT NULL,
  county              text NOT NULL,
  expected            integer NOT NULL,
  submissions         integer NOT NULL,
  on_time_submissions integer NOT NULL,
  failed_batches      integer NOT NULL,
  supplied            bigint NOT NULL,
  accepted            bigint NOT NULL,
  rejected            bigint NOT NULL,
  duplicates          bigint NOT NULL,
  rejected_by_reason  jsonb NOT NULL DEFAULT '{}',
  reporting_rate      numeric,
  on_time_rate        numeric,
  stored_records      bigint NOT NULL,
  completeness        jsonb NOT NULL DEFAULT '{}',
  completeness_rate   numeric,
  linked_share        numeric,                 -- NULL until the matching stage writes link results
  score               numeric,
  computed_at         timestamptz NOT NULL,
  PRIMARY KEY (month, agency, feed)
);
CREATE INDEX coord_sharing_monthly_county ON coord_sharing_monthly (county, month);
CREATE INDEX coord_sharing_monthly_agency ON coord_sharing_monthly (agency, month);

-- 监管平台: case handling per township, county and province, per month.
CREATE TABLE coord_supervision_monthly (
  month                 date NOT NULL CHECK (extract(day FROM month) = 1),
  level                 text NOT NULL CHECK (level IN ('township', 'county', 'province')),
  unit                  text NOT NULL,
  received              integer NOT NULL,           -- cases raised in the month
  due                   integer NOT NULL,           -- of those: deadline passed, or handled
  accepted              integer NOT NULL,
  resolved_on_time      integer NOT NULL,
  overdue               integer NOT NULL,
  returned              integer NOT NULL,
  median_response_hours numeric,
  delegations           integer NOT NULL,
  delegations_on_time   integer NOT NULL,
  score                 numeric,
  computed_at           timestamptz NOT NULL,
  PRIMARY KEY (unit, month)
);
CREATE INDEX coord_supervision_monthly_month ON coord_supervision_monthly (month, level, unit);

-- 系统维护: the gateway's users. POST /v1/auth/login checks the password (scrypt) and issues
-- the JWT with the user's role and unit; repeated failures lock the account for a while.
CREATE TABLE users (
  id                  bigserial PRIMARY KEY,
  username            text NOT NULL CHECK (username ~ '^[A-Za-z0-9._@-]{3,64}$'),
  display_name        text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
  password_hash       text NOT NULL,
  role                text NOT NULL CHECK (role IN ('agency', 'township', 'county', 'admin')),
  unit                text NOT NULL CHECK (length(unit) BETWEEN 1 AND 40),
  feeds               text[] NOT NULL DEFAULT '{}',
  active              boolean NOT NULL DEFAULT true,
  failed_logins       integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  last_login_at       timestamptz,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_township_unit CHECK (role <> 'township' OR unit ~ '^[0-9]{9}$'),
  CONSTRAINT users_county_unit CHECK (role <> 'county' OR unit ~ '^[0-9]{6}$')
);
CREATE UNIQUE INDEX users_username ON users (lower(username));
