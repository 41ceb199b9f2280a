-- Reference-data and population imports: SQL twins of the src/normalise rules, so that a bulk
-- load can normalise a million rows inside PostgreSQL (set-based, per distinct value) instead of
-- shipping each row through Node. tests/sql-normalisers-agree-with-js.test.ts cross-checks every
-- function here against its JS original on generated inputs: change both or neither.
--
-- All are LANGUAGE sql single expressions so the planner can inline them into the calling query.
-- Callers pass non-blank input; a NULL result means "not a valid value" (the *_error functions
-- say why where there is more than one reason).

-- Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to ASCII (fullwidth.ts toAscii).
CREATE FUNCTION ypq_ascii(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(s,
    '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
    '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ')
$$;

-- JavaScript's String.prototype.trim: the same whitespace set as the JS regex class \s.
CREATE FUNCTION ypq_trim(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(s,
    '^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+$',
    '', 'g')
$$;

-- Calendar check of year, month, day (dates.ts isRealDate).
CREATE FUNCTION ypq_is_real_date(y integer, m integer, d integer) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT m BETWEEN 1 AND 12 AND d >= 1 AND d <= CASE
    WHEN m = 2 THEN CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29 ELSE 28 END
    WHEN m IN (4, 6, 9, 11) THEN 30
    ELSE 31 END
$$;

-- ---------------------------------------------------------------- ID numbers (id-number.ts)

-- cleanIdNumber: full-width digits/X/hyphen to ASCII, spaces and hyphens dropped, upper case.
CREATE FUNCTION ypq_id_clean(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(regexp_replace(translate(raw, '０１２３４５６７８９Ｘｘ－　', '0123456789Xx- '),
    '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff-]+', '', 'g'))
$$;

-- GB 11643 check character of the first 17 digits: weights 2^(18-i) mod 11.
-- ascii() - 48 per digit; the 48s (weights sum to 100) are taken off once.
CREATE FUNCTION ypq_id_check_digit(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substr('10X98765432', ((
      ascii(substr(s, 1, 1)) * 7 + ascii(substr(s, 2, 1)) * 9 + ascii(substr(s, 3, 1)) * 10
    + ascii(substr(s, 4, 1)) * 5 + ascii(substr(s, 5, 1)) * 8 + ascii(substr(s, 6, 1)) * 4
    + ascii(substr(s, 7, 1)) * 2 + ascii(substr(s, 8, 1)) * 1 + ascii(substr(s, 9, 1)) * 6
    + ascii(substr(s, 10, 1)) * 3 + ascii(substr(s, 11, 1)) * 7 + ascii(substr(s, 12, 1)) * 9
    + ascii(substr(s, 13, 1)) * 10 + ascii(substr(s, 14, 1)) * 5 + ascii(substr(s, 15, 1)) * 8
    + ascii(substr(s, 16, 1)) * 4 + ascii(substr(s, 17, 1)) * 2 - 4800) % 11) + 1, 1)
$$;

CREATE FUNCTION ypq_id_number_cleaned(c text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    -- Legacy 15-digit numbers were issued to people born in the 1900s: insert the century, add a check digit.
    WHEN c ~ '^[0-9]{15}$' THEN left(c, 6) || '19' || substr(c, 7) || ypq_id_check_digit(left(c, 6) || '19' || substr(c, 7))
    WHEN c ~ '^[0-9]{17}[0-9X]$' THEN c
  END
$$;

-- parseIdNumber's value: 18 upper-case characters, or NULL when the input is not an ID number (ID_FORMAT).
CREATE FUNCTION ypq_id_number(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_id_number_cleaned(ypq_id_clean(raw))
$$;

-- parseIdNumber's status = 'suspect', for a value ypq_id_number returned: wrong check digit, or an
-- embedded birth date that is not a real date or lies before 1880.
CREATE FUNCTION ypq_id_suspect(id text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_id_check_digit(id) <> substr(id, 18, 1)
      OR NOT ypq_is_real_date(substr(id, 7, 4)::integer, substr(id, 11, 2)::integer, substr(id, 13, 2)::integer)
      OR substr(id, 7, 8) < '18800101'
$$;

-- ---------------------------------------------------------------- dates (dates.ts parseDate)

CREATE FUNCTION ypq_date_parts(raw text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_match(ypq_trim(ypq_ascii(raw)),
    '^([0-9]{4})(?:[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?|([0-9]{2})([0-9]{2}))$')
$$;

CREATE FUNCTION ypq_date_checked(p text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ypq_is_real_date(p[1]::integer, coalesce(p[2], p[4])::integer, coalesce(p[3], p[5])::integer)
    THEN p[1] || '-' || lpad(coalesce(p[2], p[4]), 2, '0') || '-' || lpad(coalesce(p[3], p[5]), 2, '0') END
$$;

-- The ISO date 'YYYY-MM-DD' (text: year 0000 is a calendar date to parseDate, not to PostgreSQL), or NULL.
CREATE FUNCTION ypq_date(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_date_checked(ypq_date_parts(raw))
$$;

-- NULL, 'DATE_FORMAT' (not a date form at all) or 'DATE_INVALID' (no such day).
CREATE FUNCTION ypq_date_error(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ypq_date_parts(raw) IS NULL THEN 'DATE_FORMAT'
              WHEN ypq_date(raw) IS NULL THEN 'DATE_INVALID' END
$$;

-- ---------------------------------------------------------------- codes (codes.ts)

CREATE FUNCTION ypq_sex(raw text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE lower(ypq_trim(ypq_ascii(raw)))
    WHEN '0' THEN 0 WHEN '未知' THEN 0 WHEN '未知的性别' THEN 0
    WHEN '1' THEN 1 WHEN '男' THEN 1 WHEN '男性' THEN 1 WHEN 'm' THEN 1 WHEN 'male' THEN 1
    WHEN '2' THEN 2 WHEN '女' THEN 2 WHEN '女性' THEN 2 WHEN 'f' THEN 2 WHEN 'female' THEN 2
    WHEN '9' THEN 9 WHEN '未说明' THEN 9 WHEN '未说明的性别' THEN 9 WHEN 'unknown' THEN 9
  END)::smallint
$$;

CREATE FUNCTION ypq_marital(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lower(ypq_trim(ypq_ascii(raw)))
    WHEN '10' THEN '10' WHEN '未婚' THEN '10' WHEN 'single' THEN '10'
    WHEN '20' THEN '20' WHEN '21' THEN '20' WHEN '22' THEN '20' WHEN '23' THEN '20' WHEN '已婚' THEN '20'
    WHEN '初婚' THEN '20' WHEN '再婚' THEN '20' WHEN '复婚' THEN '20' WHEN 'married' THEN '20'
    WHEN '30' THEN '30' WHEN '丧偶' THEN '30' WHEN 'widowed' THEN '30'
    WHEN '40' THEN '40' WHEN '离婚' THEN '40' WHEN 'divorced' THEN '40'
    WHEN '90' THEN '90' WHEN '未说明' THEN '90' WHEN '未说明的婚姻状况' THEN '90' WHEN 'unknown' THEN '90'
  END
$$;

-- GB 3304: the code 01–56 (or 97 其他, 98 外国血统), or the name with or without 族.
CREATE FUNCTION ypq_ethnicity_trimmed(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    -- Nested so that the cast only ever sees digits.
    WHEN s ~ '^[0-9]{1,2}$' THEN CASE WHEN s::integer BETWEEN 1 AND 56 OR s::integer IN (97, 98) THEN lpad(s::integer::text, 2, '0') END
    ELSE (SELECT e.code FROM (VALUES
      ('汉', '01'), ('蒙古', '02'), ('回', '03'), ('藏', '04'), ('维吾尔', '05'), ('苗', '06'), ('彝', '07'), ('壮', '08'),
      ('布依', '09'), ('朝鲜', '10'), ('满', '11'), ('侗', '12'), ('瑶', '13'), ('白', '14'), ('土家', '15'), ('哈尼', '16'),
      ('哈萨克', '17'), ('傣', '18'), ('黎', '19'), ('傈僳', '20'), ('佤', '21'), ('畲', '22'), ('高山', '23'), ('拉祜', '24'),
      ('水', '25'), ('东乡', '26'), ('纳西', '27'), ('景颇', '28'), ('柯尔克孜', '29'), ('土', '30'), ('达斡尔', '31'),
      ('仫佬', '32'), ('羌', '33'), ('布朗', '34'), ('撒拉', '35'), ('毛南', '36'), ('仡佬', '37'), ('锡伯', '38'),
      ('阿昌', '39'), ('普米', '40'), ('塔吉克', '41'), ('怒', '42'), ('乌孜别克', '43'), ('俄罗斯', '44'), ('鄂温克', '45'),
      ('德昂', '46'), ('保安', '47'), ('裕固', '48'), ('京', '49'), ('塔塔尔', '50'), ('独龙', '51'), ('鄂伦春', '52'),
      ('赫哲', '53'), ('门巴', '54'), ('珞巴', '55'), ('基诺', '56')) e(name, code)
      WHERE s = e.name OR s = e.name || '族'
      UNION ALL SELECT '97' WHERE s = '其他'
      UNION ALL SELECT '98' WHERE s IN ('外国血统', '外国血统中国籍人士'))
  END
$$;

CREATE FUNCTION ypq_ethnicity(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_ethnicity_trimmed(ypq_trim(ypq_ascii(raw)))
$$;

-- Division codes in their shortest form (parseDivision): trailing all-zero level groups dropped.
CREATE FUNCTION ypq_division_strip(c text, len integer, zeros integer) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN length(c) = len AND right(c, zeros) = repeat('0', zeros) THEN left(c, len - zeros) ELSE c END
$$;

CREATE FUNCTION ypq_division_trimmed(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT nullif(ypq_division_strip(ypq_division_strip(ypq_division_strip(ypq_division_strip(s, 12, 3), 9, 3), 6, 2), 4, 2), '00')
  WHERE s ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$'
$$;

CREATE FUNCTION ypq_division(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_division_trimmed(ypq_trim(ypq_ascii(raw)))
$$;

-- parsePhone: mobile (11 digits from 1), landline with area code (from 0), or a local number.
CREATE FUNCTION ypq_phone_cleaned(s text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s ~ '^1[3-9][0-9]{9}$' OR s ~ '^0[0-9]{9,11}$' OR s ~ '^[2-9][0-9]{6,7}$' THEN s END
$$;

CREATE FUNCTION ypq_phone(raw text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ypq_phone_cleaned(regexp_replace(
    regexp_replace(ypq_ascii(raw), '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff()\u2013\u2014-]+', '', 'g'),
    '^(\+?86|0086)(?=1[0-9]{10}$)', ''))
$$;

-- The population contract's 人员状态: 1 正常, 2 死亡, 3 迁出.
CREATE FUNCTION ypq_person_status(raw text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE lower(ypq_trim(ypq_ascii(raw)))
    WHEN '1' THEN 1 WHEN '正常' THEN 1 WHEN 'normal' THEN 1 WHEN 'active' THEN 1
    WHEN '2' THEN 2 WHEN '死亡' THEN 2 WHEN 'dead' THEN 2 WHEN 'deceased' THEN 2
    WHEN '3' THEN 3 WHEN '迁出' THEN 3 WHEN 'moved_out' THEN 3 WHEN 'moved out' THEN 3
  END)::smallint
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
