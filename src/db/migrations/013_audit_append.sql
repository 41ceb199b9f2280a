-- Appending to the audit chain stays cheap however the table grew since a session began.
--
-- ypq_audit read the chain's last entry with a static query whose plan PL/pgSQL caches for the
-- session: planned while audit_log was small (a fresh gateway, a test), it was a scan of the whole
-- table, kept while the table grew to tens of thousands of entries — 4–7 ms an append. The last
-- entry is now looked up by a statement planned on each call (the planner sees the table's
-- current size and takes the primary key backwards), in one function for one entry or many.

-- Many entries of one actor in order (a rule's cases of a batch): the last entry is read once and
-- each new entry chains to the one before it. Returns the new ids in the order given.
CREATE FUNCTION ypq_audit_many(p_actor text, p_role text, p_unit text, p_action text[], p_object_type text[],
                               p_object_id text[], p_purpose text[], p_detail jsonb[])
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_hash text;
  v_at timestamptz;
  v_id bigint;
BEGIN
  IF coalesce(array_length(p_action, 1), 0) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(7970710);
  EXECUTE 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1' INTO v_prev;
  v_prev := coalesce(v_prev, repeat('0', 64));
  FOR k IN 1 .. array_length(p_action, 1) LOOP
    v_at := clock_timestamp();
    v_hash := ypq_audit_hash(v_prev, v_at, p_actor, p_role, p_unit, p_action[k], p_object_type[k], p_object_id[k], p_purpose[k], p_detail[k]);
    INSERT INTO audit_log (at, actor, role, unit, action, object_type, object_id, purpose, detail, prev_hash, hash)
    VALUES (v_at, p_actor, p_role, p_unit, p_action[k], p_object_type[k], p_object_id[k], p_purpose[k], p_detail[k], v_prev, v_hash)
    RETURNING id INTO v_id;
    v_prev := v_hash;
    RETURN NEXT v_id;
  END LOOP;
END $$;

-- One entry: the same append.
CREATE OR REPLACE FUNCTION ypq_audit(p_actor text, p_role text, p_unit text, p_action text, p_object_type text,
                                     p_object_id text, p_purpose text, p_detail jsonb)
RETURNS bigint LANGUAGE sql AS $$
  SELECT ypq_audit_many(p_actor, p_role, p_unit, ARRAY[p_action], ARRAY[p_object_type], ARRAY[p_object_id], ARRAY[p_purpose], ARRAY[p_detail])
$$;
