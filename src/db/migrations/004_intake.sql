-- Intake: one batch per delivered file or push, the agencies' records stored idempotently by
-- (agency, feed, record_id) with a content hash, superseded versions kept, and per-record rejects.
--
-- Scale-out: the large tables (feed_records, feed_record_history, batch_rejects) lead with
-- `agency` so that they can be distributed by it (Citus) with every query routed to one shard;
-- `batches` is small (one row per file) and stays a plain or reference table.

CREATE TABLE batches (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agency        text NOT NULL REFERENCES agencies (code),
  feed          text NOT NULL CHECK (feed IN ('prenatal', 'birth', 'household', 'marriage', 'housing')),
  channel       text NOT NULL CHECK (channel IN ('http', 'sftp', 'cli')),
  file_name     text,
  format        text CHECK (format IN ('csv', 'xml', 'json')),
  actor         text NOT NULL,
  status        text NOT NULL DEFAULT 'receiving' CHECK (status IN ('receiving', 'committed', 'failed')),
  received_at   timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  bytes         bigint NOT NULL DEFAULT 0,
  sha256        text,
  received      integer NOT NULL DEFAULT 0,  -- records read: accepted + duplicate + rejected
  accepted      integer NOT NULL DEFAULT 0,  -- new or changed records stored
  rejected      integer NOT NULL DEFAULT 0,
  duplicate     integer NOT NULL DEFAULT 0,  -- same content as the stored version: nothing changed
  superseded    integer NOT NULL DEFAULT 0,  -- of accepted: corrections that moved a version to history
  error_code    text,
  error_message text,
  CHECK ((status = 'receiving') = (finished_at IS NULL)),
  CHECK (status <> 'failed' OR error_code IS NOT NULL)
);
CREATE INDEX batches_agency ON batches (agency, feed, received_at DESC);
-- "Was this very file already taken?" (SFTP re-polls, an agency re-sending).
CREATE INDEX batches_sha256 ON batches (agency, sha256);
-- A batch stays 'receiving' only while its import runs; the sweep looks for those whose process died.
CREATE INDEX batches_receiving ON batches (id) WHERE status = 'receiving';

-- The current version of every record. batch_id is the batch that wrote this version, so the
-- matching stage reads a batch's new and changed records with one index scan.
-- No foreign key to batches: it would cost one check per row on a 500,000-record load, and the
-- batch row and its records are written in one transaction anyway.
-- Records are `json`, not `jsonb`: stored as the adapter serialised them and compared by hash,
-- never searched inside by the gateway; measured, loading jsonb costs 3x the whole COPY
-- (PostgreSQL builds the binary tree of every record). Readers cast (record::jsonb) or parse.
CREATE TABLE feed_records (
  agency       text NOT NULL,
  feed         text NOT NULL,
  record_id    text NOT NULL,
  version      integer NOT NULL CHECK (version >= 1),
  content_hash bytea NOT NULL,               -- sha256 of the canonical record's JSON
  record       json NOT NULL,                -- canonical record
  raw          json NOT NULL,                -- as received, unknown columns included
  warnings     json,                         -- [{field, code, message}] or null
  batch_id     bigint NOT NULL,
  position     integer NOT NULL,             -- line / element / index in that batch
  stored_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency, feed, record_id)
);
CREATE INDEX feed_records_batch ON feed_records (batch_id);

-- Earlier versions, moved here when a correction supersedes them.
CREATE TABLE feed_record_history (
  agency        text NOT NULL,
  feed          text NOT NULL,
  record_id     text NOT NULL,
  version       integer NOT NULL,
  content_hash  bytea NOT NULL,
  record        json NOT NULL,
  raw           json NOT NULL,
  warnings      json,
  batch_id      bigint NOT NULL,
  position      integer NOT NULL,
  stored_at     timestamptz NOT NULL,
  superseded_by bigint NOT NULL,             -- the batch that brought the next version
  superseded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency, feed, record_id, version)
);
CREATE INDEX feed_record_history_batch ON feed_record_history (superseded_by);

-- One row per problem with a rejected record (a record may have several); the record as
-- received is kept once, on its first problem (seq = 0).
CREATE TABLE batch_rejects (
  agency    text NOT NULL,
  batch_id  bigint NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  position  integer NOT NULL,
  seq       smallint NOT NULL,
  record_id text,
  field     text,
  code      text NOT NULL,
  message   text NOT NULL,
  raw       json,
  PRIMARY KEY (agency, batch_id, position, seq)
);
