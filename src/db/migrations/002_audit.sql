-- Audit trail of every read or change of personal data, hash-chained so that a changed or
-- deleted entry is detectable: hash = sha256(prev_hash | canonical fields).

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  role        text NOT NULL,
  unit        text NOT NULL,
  action      text NOT NULL,
  object_type text NOT NULL,
  object_id   text NOT NULL,
  purpose     text NOT NULL,
  detail      jsonb,
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor, at);

CREATE FUNCTION ypq_audit_hash(prev text, at timestamptz, actor text, role text, unit text, action text,
                               object_type text, object_id text, purpose text, detail jsonb)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f', prev,
           ((extract(epoch FROM at) * 1000000)::bigint)::text,
           actor, role, unit, action, object_type, object_id, purpose, coalesce(detail::text, '')), 'UTF8')), 'hex')
$$;

-- Appends one entry. The advisory lock serialises writers so the chain has no forks.
CREATE FUNCTION ypq_audit(p_actor text, p_role text, p_unit text, p_action text, p_object_type text,
                          p_object_id text, p_purpose text, p_detail jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_at timestamptz := clock_timestamp();
  v_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7970710);
  SELECT hash INTO v_prev FROM audit_log ORDER BY id DESC LIMIT 1;
  v_prev := coalesce(v_prev, repeat('0', 64));
  INSERT INTO audit_log (at, actor, role, unit, action, object_type, object_id, purpose, detail, prev_hash, hash)
  VALUES (v_at, p_actor, p_role, p_unit, p_action, p_object_type, p_object_id, p_purpose, p_detail, v_prev,
          ypq_audit_hash(v_prev, v_at, p_actor, p_role, p_unit, p_action, p_object_type, p_object_id, p_purpose, p_detail))
  RETURNING id INTO v_id;
  RETURN v_id;
END $$;
