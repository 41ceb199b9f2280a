-- Linking changes persons in place: a marriage sets the marital status, a household event the
-- status and registration, a new family link clears the import hash. None of these columns is
-- indexed, so PostgreSQL can write the new row version on the same page without touching any of
-- the nine indexes (a HOT update) — when the page has room. A population loaded by COPY packs
-- its pages full, and then every such update writes a new entry into every index. A tenth of
-- each page is kept free for them; this applies to pages written from now on (a first load
-- after this migration, and the rows an import or a rewrite moves).
ALTER TABLE persons SET (fillfactor = 90);
