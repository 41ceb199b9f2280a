-- Foundation: division directory, member agencies, the population database and its history.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Division codes are stored in their shortest form: 2 (province), 4 (city), 6 (county),
-- 9 (township) or 12 (village) digits; trailing all-zero groups are dropped on input.
CREATE TABLE divisions (
  code        text PRIMARY KEY CHECK (code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$'),
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
  parent_code text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX divisions_parent ON divisions (parent_code);

CREATE TABLE agencies (
  code               text PRIMARY KEY,
  name               text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('hospital', 'police', 'civil_affairs', 'housing')),
  division           text NOT NULL,
  feeds              text[] NOT NULL DEFAULT '{}',
  expected_per_month integer NOT NULL DEFAULT 1 CHECK (expected_per_month >= 0),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One row per load of reference data (who, what, when, from which file).
CREATE TABLE import_runs (
  id          bigserial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('divisions', 'agencies', 'population')),
  file_name   text NOT NULL,
  sha256      text NOT NULL,
  actor       text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_read   integer NOT NULL DEFAULT 0,
  inserted    integer NOT NULL DEFAULT 0,
  updated     integer NOT NULL DEFAULT 0,
  unchanged   integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0
);

CREATE TABLE import_rejects (
  run_id  bigint NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  row_no  integer NOT NULL,
  field   text,
  code    text NOT NULL,
  message text NOT NULL
);
CREATE INDEX import_rejects_run ON import_rejects (run_id, row_no);

-- The population database (全员人口信息库). Relations live in person_relations.
CREATE TABLE persons (
  pid                text PRIMARY KEY,
  id_number          text,                 -- upper-case, 15-digit upgraded to 18
  id_suspect         boolean NOT NULL DEFAULT false, -- 18 characters but a wrong check digit
  name               text NOT NULL,        -- as supplied (trimmed)
  name_norm          text NOT NULL,        -- simplified characters, separators unified, no spaces
  name_pinyin        text NOT NULL,        -- toneless pinyin of name_norm, surname readings
  sex                smallint NOT NULL DEFAULT 9 CHECK (sex IN (0, 1, 2, 9)),
  birth_date         date,
  ethnicity          text,                 -- GB 3304 two-digit code
  hukou_division     text,
  residence_division text,
  marital_status     text CHECK (marital_status IN ('10', '20', '30', '40', '90')),
  phone              text,
  status             smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2, 3)),
  created_run        bigint REFERENCES import_runs (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX persons_id_number ON persons (id_number) WHERE id_number IS NOT NULL;
CREATE INDEX persons_pinyin_birth ON persons (name_pinyin, birth_date);
CREATE INDEX persons_name_birth ON persons (name_norm, birth_date);
CREATE INDEX persons_phone ON persons (phone) WHERE phone IS NOT NULL;

CREATE TABLE person_relations (
  pid         text NOT NULL REFERENCES persons (pid) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('spouse', 'mother', 'father')),
  related_pid text NOT NULL REFERENCES persons (pid) ON DELETE CASCADE,
  source      text NOT NULL,
  since       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pid, kind)
);
CREATE INDEX person_relations_related ON person_relations (related_pid, kind);

-- Every change to a person after its creation: what changed, from what, by whom, from which source.
CREATE TABLE person_history (
  id         bigserial PRIMARY KEY,
  pid        text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  source     text NOT NULL,
  changes    jsonb NOT NULL                -- { field: [old, new], ... }
);
CREATE INDEX person_history_pid ON person_history (pid, changed_at);

-- The current family links, as the population contract names them.
CREATE VIEW person_view AS
SELECT p.*,
       (SELECT related_pid FROM person_relations r WHERE r.pid = p.pid AND r.kind = 'spouse') AS spouse_pid,
       (SELECT related_pid FROM person_relations r WHERE r.pid = p.pid AND r.kind = 'mother') AS mother_pid,
       (SELECT related_pid FROM person_relations r WHERE r.pid = p.pid AND r.kind = 'father') AS father_pid
FROM persons p;
