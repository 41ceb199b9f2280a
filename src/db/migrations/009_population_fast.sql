-- Population re-imports: a row that is byte for byte what the last import of that person read
-- (and that nobody has changed since) is not normalised and compared again.
--
-- persons.import_hash is a 64-bit hash of the raw fields of the file row that last set the
-- person, seeded with the file's column set and the version of the normalisation rules
-- (src/population/row-hash.ts). It is NULL when anything else has changed the person or their
-- family links since — the triggers below clear it — and when the row had a link that could not
-- be made (an unknown pid), so that such a row is looked at again by every import.
ALTER TABLE persons ADD COLUMN import_hash bigint;

-- An update that does not set a new hash itself (a feed, the matching engine, a clerk) clears it.
CREATE FUNCTION ypq_import_hash_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.import_hash := NULL;
  RETURN NEW;
END
$$;

CREATE TRIGGER ypq_import_hash_persons BEFORE UPDATE ON persons
FOR EACH ROW WHEN (OLD.import_hash IS NOT NULL AND NEW.import_hash IS NOT DISTINCT FROM OLD.import_hash)
EXECUTE FUNCTION ypq_import_hash_clear();

-- A changed family link clears the hash of the person it belongs to. The population import sets
-- ypq.population_import for its own transaction: it writes the hashes of the rows it loads itself.
CREATE FUNCTION ypq_import_hash_relations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('ypq.population_import', true) IS NOT DISTINCT FROM 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    UPDATE persons p SET import_hash = NULL FROM (SELECT DISTINCT pid FROM new_links) c
    WHERE p.pid = c.pid AND p.import_hash IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE persons p SET import_hash = NULL FROM (SELECT DISTINCT pid FROM old_links) c
    WHERE p.pid = c.pid AND p.import_hash IS NOT NULL;
  ELSE
    UPDATE persons p SET import_hash = NULL
    FROM (SELECT pid FROM new_links UNION SELECT pid FROM old_links) c
    WHERE p.pid = c.pid AND p.import_hash IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger.
CREATE TRIGGER ypq_import_hash_links_insert AFTER INSERT ON person_relations
REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION ypq_import_hash_relations();
CREATE TRIGGER ypq_import_hash_links_update AFTER UPDATE ON person_relations
REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION ypq_import_hash_relations();
CREATE TRIGGER ypq_import_hash_links_delete AFTER DELETE ON person_relations
REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION ypq_import_hash_relations();
