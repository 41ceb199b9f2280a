-- Matching: who in the population database is each person in each accepted feed record, the
-- clerical review of the doubtful ones, the models decisions are made with, and the changes the
-- linked events make to the population database (src/matching, docs/matching.md).
--
-- Scale: link_results grows by about 1.3 rows per accepted record; it is written by COPY in one
-- transaction per batch and read by batch, by record and by the review queue. Explanations are
-- `json` (stored as written, never searched inside), as feed_records' records are.

-- ---------------------------------------------------------------- models

-- Fellegi–Sunter parameters (ModelParameters of src/matching/fellegi-sunter.ts), one row per
-- estimation. At most one is active; with none, the built-in starting parameters are used.
CREATE TABLE match_models (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  model_id   text NOT NULL UNIQUE,            -- Model.id: name@hash of the parameters
  params     jsonb NOT NULL,
  training   jsonb,                           -- what it was estimated from (sample sizes, sessions, labelled pairs)
  active     boolean NOT NULL DEFAULT false,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX match_models_one_active ON match_models ((true)) WHERE active;

-- ---------------------------------------------------------------- link runs and results

-- One row per linking of a batch (kind 'batch', at most once per batch: the pg-boss job is
-- delivered at least once) or per re-linking after a model or threshold change ('relink').
CREATE TABLE link_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('batch', 'relink')),
  batch_id    bigint,
  model_id    text NOT NULL,
  thresholds  jsonb NOT NULL,
  actor       text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  persons     integer NOT NULL DEFAULT 0,     -- persons decided (records × roles)
  linked      integer NOT NULL DEFAULT 0,
  review      integer NOT NULL DEFAULT 0,
  new         integer NOT NULL DEFAULT 0,
  changed     integer NOT NULL DEFAULT 0,     -- relink: decisions that changed
  pairs       integer NOT NULL DEFAULT 0,     -- candidate pairs scored
  timings     jsonb                           -- milliseconds per stage
);
CREATE UNIQUE INDEX link_runs_batch_once ON link_runs (batch_id) WHERE kind = 'batch';

-- One decision per person (role) of each record version. pid is set when linked; a person the
-- apply step created for a 'new' decision (a newborn, a registered migrant) is in created_pid.
-- division is the record's own division (residence, birth place, household registration,
-- housing), else the sending agency's: it scopes the review queue and the link routes.
CREATE TABLE link_results (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agency       text NOT NULL,
  feed         text NOT NULL,
  record_id    text NOT NULL,
  version      integer NOT NULL,
  role         text NOT NULL CHECK (role IN ('subject', 'mother', 'father', 'child', 'party1', 'party2')),
  batch_id     bigint NOT NULL,               -- the batch that brought this record version
  run_id       bigint NOT NULL,
  division     text,
  status       text NOT NULL CHECK (status IN ('linked', 'review', 'new')),
  pid          text,
  score        double precision NOT NULL,     -- probability of the candidate the decision rested on
  match_weight double precision,              -- its match weight in bits, prior included
  rule         text NOT NULL,                 -- the DecisionRule, or 'clerk' / 'relink-changed-after-apply'
  explanation  json NOT NULL,                 -- candidates with per-field levels and weights
  model_id     text NOT NULL,
  decided_at   timestamptz NOT NULL DEFAULT now(),
  decided_by   text NOT NULL DEFAULT 'model', -- 'model' or the clerk's token subject
  applied_at   timestamptz,                   -- when its event changed the population database
  created_pid  text,
  CHECK ((status = 'linked') = (pid IS NOT NULL)),
  UNIQUE (agency, feed, record_id, version, role)
);
CREATE INDEX link_results_batch ON link_results (batch_id);
CREATE INDEX link_results_review ON link_results (division, id) WHERE status = 'review';
CREATE INDEX link_results_pid ON link_results (pid) WHERE pid IS NOT NULL;

-- Earlier decisions of a result, kept when a clerk or a relink replaces one.
CREATE TABLE link_result_history (
  result_id    bigint NOT NULL REFERENCES link_results (id) ON DELETE CASCADE,
  status       text NOT NULL,
  pid          text,
  score        double precision NOT NULL,
  rule         text NOT NULL,
  model_id     text NOT NULL,
  decided_at   timestamptz NOT NULL,
  decided_by   text NOT NULL,
  replaced_at  timestamptz NOT NULL DEFAULT now(),
  replaced_by  text NOT NULL
);
CREATE INDEX link_result_history_result ON link_result_history (result_id, replaced_at);

-- A clerk's decision on a review item. `pairs` holds the comparison levels of every candidate
-- the clerk saw and whether it was the one chosen: labelled pairs for re-estimating m.
CREATE TABLE review_decisions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  result_id  bigint NOT NULL REFERENCES link_results (id),
  decision   text NOT NULL CHECK (decision IN ('link', 'new')),
  pid        text,
  decided_by text NOT NULL,
  unit       text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  note       text,
  pairs      jsonb NOT NULL,                  -- [{ "pid": …, "levels": [6 level indexes, -1 missing], "match": bool }]
  CHECK ((decision = 'link') = (pid IS NOT NULL))
);
CREATE INDEX review_decisions_result ON review_decisions (result_id);

-- The person the apply step created for a record's role, whatever the record's version: a
-- corrected birth certificate updates the child it created instead of creating a second one.
CREATE TABLE link_created_persons (
  agency     text NOT NULL,
  feed       text NOT NULL,
  record_id  text NOT NULL,
  role       text NOT NULL,
  pid        text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency, feed, record_id, role)
);
CREATE UNIQUE INDEX link_created_persons_pid ON link_created_persons (pid);

-- Persons created by linking get pids 'N' + 11 digits (the imported population keeps its own).
CREATE SEQUENCE link_pid_seq;
CREATE FUNCTION ypq_new_pid() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT 'N' || lpad(nextval('link_pid_seq')::text, 11, '0')
$$;

-- What a rule reads: the current version of each linked event, its decision, the record.
CREATE VIEW link_events AS
SELECT r.id AS result_id, r.agency, r.feed, r.record_id, r.version, r.role, r.status, r.pid, r.created_pid,
       coalesce(r.pid, r.created_pid) AS person_pid, r.score, r.match_weight, r.rule, r.division, r.batch_id,
       r.decided_by, r.decided_at, r.applied_at, r.explanation, f.record::jsonb AS record
FROM link_results r
JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version;

-- ---------------------------------------------------------------- term frequencies

-- How many persons carry each normalised name and each pinyin key, for the term-frequency
-- adjustment (王伟 agreeing is weaker evidence than 禤珺瑶 agreeing). Recomputed from persons when
-- the population has changed by more than a few per cent since (ypq_refresh_name_frequencies),
-- and kept up by the apply step for the persons it creates.
CREATE TABLE name_frequencies (
  kind  text NOT NULL CHECK (kind IN ('name', 'pinyin')),
  value text NOT NULL,
  n     integer NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE TABLE name_frequency_state (
  one          boolean PRIMARY KEY DEFAULT true CHECK (one),
  persons      bigint NOT NULL,
  refreshed_at timestamptz NOT NULL
);

CREATE FUNCTION ypq_refresh_name_frequencies() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
  DELETE FROM name_frequencies;
  INSERT INTO name_frequencies (kind, value, n) SELECT 'name', name_norm, count(*) FROM persons WHERE name_norm <> '' GROUP BY name_norm;
  INSERT INTO name_frequencies (kind, value, n) SELECT 'pinyin', name_pinyin, count(*) FROM persons WHERE name_pinyin <> '' GROUP BY name_pinyin;
  SELECT count(*) INTO total FROM persons;
  INSERT INTO name_frequency_state (persons, refreshed_at) VALUES (total, now())
  ON CONFLICT (one) DO UPDATE SET persons = EXCLUDED.persons, refreshed_at = EXCLUDED.refreshed_at;
  RETURN total;
END
$$;

-- ---------------------------------------------------------------- blocking indexes on persons
-- Each serves one blocking rule of src/matching/sql/blocking-sql.ts; the rules that need none
-- use persons_id_number (exact ID, and the valid one-edit repairs of a suspect number),
-- persons_pinyin_birth (pinyin + birth date, swapped day/month, same month, same year) and
-- persons_phone.

-- Month and day of a birth date as one number (a wrong birth year).
CREATE FUNCTION ypq_mmdd(d date) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (extract(month FROM d) * 100 + extract(day FROM d))::integer
$$;
CREATE INDEX persons_pinyin_mmdd ON persons (name_pinyin, ypq_mmdd(birth_date)) WHERE birth_date IS NOT NULL;
-- Birth date and the first character of the name (the surname): a look-alike character or a
-- changed given name, which the pinyin keys miss.
CREATE INDEX persons_birth_surname ON persons (birth_date, left(name_norm, 1)) WHERE birth_date IS NOT NULL;
-- Pinyin and where the person lives now: records without a birth date (housing, parents on a
-- birth certificate) looked up in their village, township or county by a prefix range.
CREATE INDEX persons_pinyin_residence ON persons (name_pinyin, residence_division);
-- Persons whose stored ID number has a wrong check digit: compared by the masked variants of
-- ID_KEY_WINDOWS, which survive the one wrong digit on either side.
CREATE INDEX persons_id_suspect ON persons (pid) WHERE id_suspect;

-- The masked variants of ID_KEY_WINDOWS (src/matching/id-compare.ts idBlockingKeys) of the first
-- 17 characters; tests/matching-sql-stage-links-each-feed.test.ts checks they agree.
CREATE FUNCTION ypq_id_window_keys(id text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ARRAY[
    overlay(left(id, 17) placing '______' from 1 for 6),
    overlay(left(id, 17) placing '____' from 7 for 4),
    overlay(left(id, 17) placing '____' from 11 for 4),
    overlay(left(id, 17) placing '___' from 15 for 3),
    overlay(left(id, 17) placing '__' from 6 for 2),
    overlay(left(id, 17) placing '__' from 10 for 2),
    overlay(left(id, 17) placing '__' from 14 for 2)]
$$;

-- Later keys win: the apply step merges the changes several events make to one person.
CREATE AGGREGATE ypq_jsonb_merge(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}');
