-- Rules (src/rules, docs/rules.md): what the rules read besides the linked events.
--
-- There is no enrolment registry feed. A township that resolves a new_resident case has
-- registered that person as a resident there; one that resolves a maternal_care_enrolment case
-- has enrolled her in free maternal health care there. These two tables remember that, written
-- by the trigger below whenever such a case becomes 'resolved', so the rules do not raise the
-- same service again for a person the township already serves.
CREATE TABLE resident_registrations (
  pid           text NOT NULL,
  township      text NOT NULL CHECK (township ~ '^[0-9]{9}$'),
  registered_at timestamptz NOT NULL DEFAULT now(),
  case_id       bigint,
  PRIMARY KEY (pid, township)
);

CREATE TABLE care_enrolments (
  pid         text NOT NULL,
  township    text NOT NULL CHECK (township ~ '^[0-9]{9}$'),
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  case_id     bigint,
  PRIMARY KEY (pid, township, enrolled_at)
);

CREATE FUNCTION ypq_rules_record_service() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.township IS NULL OR cardinality(NEW.subjects) = 0 THEN
    RETURN NEW;
  END IF;
  IF NEW.rule = 'new_resident' THEN
    INSERT INTO resident_registrations (pid, township, case_id) VALUES (NEW.subjects[1], NEW.township, NEW.id)
    ON CONFLICT (pid, township) DO UPDATE SET registered_at = now(), case_id = EXCLUDED.case_id;
  ELSIF NEW.rule = 'maternal_care_enrolment' THEN
    INSERT INTO care_enrolments (pid, township, case_id) VALUES (NEW.subjects[1], NEW.township, NEW.id)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER cases_record_service AFTER UPDATE OF status ON cases
FOR EACH ROW WHEN (NEW.status = 'resolved' AND OLD.status IS DISTINCT FROM 'resolved' AND NEW.rule IN ('new_resident', 'maternal_care_enrolment'))
EXECUTE FUNCTION ypq_rules_record_service();

-- The daily newborn sweep reads every hospital-reported child; without this it scans all link results.
CREATE INDEX link_results_birth_children ON link_results (batch_id) WHERE feed = 'birth' AND role = 'child';

-- The rules look up a cause's open case by its first subject (the person the cause is about):
-- by index for a small batch, by one hash join for a nightly one.
CREATE INDEX cases_first_subject ON cases ((subjects[1]), rule);
