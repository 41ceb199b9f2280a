-- Reference-data and population imports.
--
-- The per-row rules of a bulk load — ID numbers and phone numbers, nearly one distinct value per
-- row — have SQL twins here, so a million rows are normalised inside PostgreSQL instead of each
-- travelling through Node. (Columns with few distinct values — dates, codes, divisions — are
-- parsed in Node once per distinct value, by src/normalise itself.)
-- tests/sql-normalisers-agree-with-js.test.ts cross-checks every function here against its JS
-- original on generated inputs: change both or neither.
--
-- All are LANGUAGE sql single expressions the planner inlines. Inlining copies an argument into
-- every place its parameter is used, so each function uses an expensive argument once and the
-- imports compute intermediate forms (the cleaned ID, the stripped phone) in a fenced subquery.

-- Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to ASCII (fullwidth.ts toAscii).
CREATE FUNCTION ypq_ascii(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s,
    '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
    '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ')
$$;

-- ---------------------------------------------------------------- ID numbers (id-number.ts)

-- cleanIdNumber: full-width digits/X/hyphen to ASCII, white space (JS \s) and hyphens dropped, upper case.
CREATE FUNCTION ypq_id_clean(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(regexp_replace(translate(raw, '０１２３４５６７８９Ｘｘ－　', '0123456789Xx- '),
    '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+', '', 'g'))
$$;

-- The check character of a legacy 15-digit number once upgraded (century "19" inserted after the
-- address code): the same sum with the digits shifted; "1" and "9" add 1*2 + 9*1 = 11 ≡ 0.
CREATE FUNCTION ypq_id_check_digit15(c text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substr('10X98765432', ((
      ascii(substr(c, 1, 1)) * 7 + ascii(substr(c, 2, 1)) * 9 + ascii(substr(c, 3, 1)) * 10
    + ascii(substr(c, 4, 1)) * 5 + ascii(substr(c, 5, 1)) * 8 + ascii(substr(c, 6, 1)) * 4
    + ascii(substr(c, 7, 1)) * 6 + ascii(substr(c, 8, 1)) * 3 + ascii(substr(c, 9, 1)) * 7
    + ascii(substr(c, 10, 1)) * 9 + ascii(substr(c, 11, 1)) * 10 + ascii(substr(c, 12, 1)) * 5
    + ascii(substr(c, 13, 1)) * 8 + ascii(substr(c, 14, 1)) * 4 + ascii(substr(c, 15, 1)) * 2 - 48 * 97) % 11) + 1, 1)
$$;

-- parseIdNumber's value from a cleaned number: 18 characters (a 15-digit number upgraded), or
-- NULL when it is not an ID number (ID_FORMAT).
CREATE FUNCTION ypq_id_from_clean(c text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN c ~ '^[0-9]{17}[0-9X]$' THEN c
    -- Legacy numbers were issued to people born in the 1900s: insert the century, add a check digit.
    WHEN c ~ '^[0-9]{15}$' THEN left(c, 6) || '19' || substr(c, 7) || ypq_id_check_digit15(c)
  END
$$;

CREATE FUNCTION ypq_id_number(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_id_from_clean(ypq_id_clean(raw))
$$;

-- parseIdNumber's status = 'suspect', for the bytes (textsend) of a value ypq_id_number returned:
-- a wrong check digit, or an embedded birth date that is not a real date (isRealDate) or lies
-- before 1880. Bytes, because get_byte reads a digit without allocating: four times faster than
-- substr() over a million rows. Year, month and day are spelled out where they are used rather
-- than passed to a helper: the planner would not inline a helper whose arguments are this long,
-- and a call per row costs more than the whole check.
-- The check digit: weights 2^(18-i) mod 11 over the first 17 digits (the digits' 48s, times
-- weights summing to 100, are taken off once), indexing '10X98765432'.
CREATE FUNCTION ypq_id_suspect_bytes(b bytea) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT get_byte('\x3130583938373635343332'::bytea, (
        get_byte(b, 0) * 7 + get_byte(b, 1) * 9 + get_byte(b, 2) * 10 + get_byte(b, 3) * 5 + get_byte(b, 4) * 8
      + get_byte(b, 5) * 4 + get_byte(b, 6) * 2 + get_byte(b, 7) * 1 + get_byte(b, 8) * 6 + get_byte(b, 9) * 3
      + get_byte(b, 10) * 7 + get_byte(b, 11) * 9 + get_byte(b, 12) * 10 + get_byte(b, 13) * 5 + get_byte(b, 14) * 8
      + get_byte(b, 15) * 4 + get_byte(b, 16) * 2 - 4800) % 11) <> get_byte(b, 17)
    OR ((get_byte(b, 6) - 48) * 1000 + (get_byte(b, 7) - 48) * 100 + (get_byte(b, 8) - 48) * 10 + get_byte(b, 9) - 48) < 1880
    OR ((get_byte(b, 10) - 48) * 10 + get_byte(b, 11) - 48) NOT BETWEEN 1 AND 12
    OR ((get_byte(b, 12) - 48) * 10 + get_byte(b, 13) - 48) < 1
    OR ((get_byte(b, 12) - 48) * 10 + get_byte(b, 13) - 48) > CASE
         WHEN ((get_byte(b, 10) - 48) * 10 + get_byte(b, 11) - 48) = 2 THEN CASE WHEN ((get_byte(b, 6) - 48) * 1000 + (get_byte(b, 7) - 48) * 100 + (get_byte(b, 8) - 48) * 10 + get_byte(b, 9) - 48) % 4 = 0 AND (((get_byte(b, 6) - 48) * 1000 + (get_byte(b, 7) - 48) * 100 + (get_byte(b, 8) - 48) * 10 + get_byte(b, 9) - 48) % 100 <> 0 OR ((get_byte(b, 6) - 48) * 1000 + (get_byte(b, 7) - 48) * 100 + (get_byte(b, 8) - 48) * 10 + get_byte(b, 9) - 48) % 400 = 0) THEN 29 ELSE 28 END
         WHEN ((get_byte(b, 10) - 48) * 10 + get_byte(b, 11) - 48) IN (4, 6, 9, 11) THEN 30
         ELSE 31 END
$$;

CREATE FUNCTION ypq_id_suspect(id text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_id_suspect_bytes(textsend(id))
$$;

-- Whether a value is already an 18-character ID number (the common case, tested without a regex).
CREATE FUNCTION ypq_id_canonical(s text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT length(s) = 18 AND ltrim(s, '0123456789') IN ('', 'X')
$$;

-- ---------------------------------------------------------------- phone numbers (codes.ts parsePhone)

-- Full-width to ASCII; white space, brackets and dashes dropped; +86 / 0086 / 86 before a mobile dropped.
CREATE FUNCTION ypq_phone_strip(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(
    regexp_replace(ypq_ascii(raw), '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff()\u2013\u2014-]+', '', 'g'),
    '^(\+?86|0086)(?=1[0-9]{10}$)', '')
$$;

-- Whether a value is already an 11-digit mobile number (the common case, tested without a regex).
CREATE FUNCTION ypq_phone_canonical(s text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT length(s) = 11 AND left(s, 1) = '1' AND substr(s, 2, 1) >= '3' AND ltrim(s, '0123456789') = ''
$$;

-- A stripped number that is a mobile (11 digits from 1), a landline with area code (from 0) or a local number.
CREATE FUNCTION ypq_phone_from_stripped(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s ~ '^1[3-9][0-9]{9}$' OR s ~ '^0[0-9]{9,11}$' OR s ~ '^[2-9][0-9]{6,7}$' THEN s END
$$;

CREATE FUNCTION ypq_phone(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_phone_from_stripped(ypq_phone_strip(raw))
$$;

-- ---------------------------------------------------------------- import bookkeeping

-- A finding about a row is either why it was not loaded (error) or a note on a row that was (warning:
-- a suspect ID number kept, a relation to an unknown person left out). record_key is the row's own
-- key (pid, division or agency code) so a clerk can find it in the source system.
ALTER TABLE import_rejects
  ADD COLUMN severity text NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning')),
  ADD COLUMN record_key text;

ALTER TABLE import_runs
  ADD COLUMN warnings integer NOT NULL DEFAULT 0,
  ADD COLUMN error text;
