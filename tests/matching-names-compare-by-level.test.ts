import { describe, expect, it } from 'vitest';
import { normaliseName } from '../src/normalise/name.js';
import {
  charRelation, compareNames, fuzzySyllable, homophones, lookAlike, lookAlikePairs, MISSING, NAME_CONFUSABLE, NAME_DIFFERS,
  NAME_EXACT, NAME_NORMALISED, NAME_PARTIAL, NAME_PINYIN, nearHomophones, prepareName, splitSurname,
} from '../src/matching/index.js';

const level = (a: string, b: string) => compareNames(prepareName(a), prepareName(b));

describe('name normalisation used by matching', () => {
  it('folds traditional to simplified, full-width letters, separators and case', () => {
    expect(normaliseName('張國榮')).toBe('张国荣');
    expect(normaliseName('陳奕迅')).toBe('陈奕迅');
    expect(normaliseName('阿依古丽·买买提')).toBe('阿依古丽买买提');
    expect(normaliseName('阿依古丽・买买提')).toBe('阿依古丽买买提');
    expect(normaliseName('阿依古丽 . 买买提')).toBe('阿依古丽买买提');
    expect(normaliseName('ＺＨＡＮＧ　San')).toBe('zhangsan');
  });
  it('folds Kangxi radicals and compatibility ideographs pasted from old systems (NFKC)', () => {
    expect(normaliseName('王\u2F47')).toBe('王日');
    expect(normaliseName('李\uF900')).toBe(normaliseName('李豈'));
  });
  it('keeps standard simplified characters that the traditional→simplified table would rewrite', () => {
    expect(normaliseName('王乾')).toBe('王乾');
    expect(normaliseName('李著')).toBe('李著');
    expect(normaliseName('王乾·張著')).toBe('王乾张著');
  });
  it('is idempotent on simplified names', () => {
    for (const n of ['王伟', '欧阳娜娜', '单田芳', '乾隆', '阿依古丽买买提']) expect(normaliseName(normaliseName(n))).toBe(normaliseName(n));
  });
});

describe('name preparation', () => {
  it('splits compound surnames and keeps minority-name parts', () => {
    expect(splitSurname('欧阳娜娜')).toEqual({ surname: '欧阳', given: '娜娜' });
    expect(splitSurname('王伟')).toEqual({ surname: '王', given: '伟' });
    expect(splitSurname('司马光')).toEqual({ surname: '司马', given: '光' });
    expect(splitSurname('zhangsan')).toEqual({ surname: '', given: 'zhangsan' });
    expect(prepareName('阿依古丽·买买提')?.parts).toEqual(['阿依古丽', '买买提']);
    expect(prepareName('王伟')?.parts).toEqual(['王伟']);
    expect(prepareName('阿依古丽 买买提')?.parts).toEqual(['阿依古丽', '买买提']);
    expect(prepareName('王 伟')?.parts).toEqual(['王伟']); // a space typed into a Han name is no separator
  });
  it('uses stored name_norm and name_pinyin instead of recomputing them', () => {
    const p = prepareName('王偉', { norm: '王伟', pinyin: 'stored' });
    expect(p?.norm).toBe('王伟');
    expect(p?.pinyin).toBe('stored');
  });
  it('a blank name is missing', () => {
    expect(prepareName('')).toBeNull();
    expect(prepareName('  ·  ')).toBeNull();
    expect(compareNames(null, prepareName('王伟'))).toBe(MISSING);
  });
});

describe('name agreement levels', () => {
  it('exact: the same written name', () => expect(level('王伟', ' 王伟 ')).toBe(NAME_EXACT));
  it('normalised: traditional/simplified and separators', () => {
    expect(level('王偉', '王伟')).toBe(NAME_NORMALISED);
    expect(level('阿依古丽·买买提', '阿依古丽买买提')).toBe(NAME_NORMALISED);
    expect(level('Zhang San', 'zhang san')).toBe(NAME_NORMALISED);
  });
  it('pinyin: homophones in surname or given name, and a name written in pinyin', () => {
    expect(level('张伟', '章伟')).toBe(NAME_PINYIN);
    expect(level('王伟', '王玮')).toBe(NAME_PINYIN);
    expect(level('刘淑芬', '刘叔芬')).toBe(NAME_PINYIN);
    expect(level('张三', 'Zhang San')).toBe(NAME_PINYIN);
  });
  it('confusable: look-alike characters', () => {
    expect(level('李己', '李已')).toBe(NAME_CONFUSABLE);
    expect(level('王未芳', '王末芳')).toBe(NAME_CONFUSABLE);
    expect(level('陈戍生', '陈戌生')).toBe(NAME_CONFUSABLE);
    expect(level('张晓娟', '张晓涓')).not.toBe(NAME_DIFFERS); // juan/juan: pinyin already
    expect(level('刘玉霞', '刘王霞')).toBe(NAME_CONFUSABLE);
  });
  it('confusable: near-homophones of dialect speakers, and polyphonic characters on any reading', () => {
    expect(level('陈静', '程静')).toBe(NAME_CONFUSABLE); // chen / cheng
    expect(level('林芳', '宁芳')).toBe(NAME_CONFUSABLE); // lin / ning
    expect(level('胡兰', '福兰')).toBe(NAME_CONFUSABLE); // hu / fu
    expect(level('单丽', '丹丽')).toBe(NAME_CONFUSABLE); // 单 reads shan as a surname, dan otherwise
  });
  it('partial: two- and three-character forms of a name with the same surname', () => {
    expect(level('王伟', '王伟华')).toBe(NAME_PARTIAL);
    expect(level('王伟', '王小伟')).toBe(NAME_PARTIAL);
    expect(level('李华伟', '李伟华')).toBe(NAME_PARTIAL);
    expect(level('张伟', '章伟华')).toBe(NAME_PARTIAL); // homophone surname
    expect(level('王 伟', '王伟华')).toBe(NAME_PARTIAL);
    expect(level('欧阳·娜娜', '欧娜娜')).toBe(NAME_PARTIAL);
  });
  it('partial: a compound surname cut to one character', () => {
    expect(level('欧阳娜娜', '欧娜娜')).toBe(NAME_PARTIAL);
  });
  it('partial: minority names with a part left off', () => {
    expect(level('阿依古丽·买买提', '阿依古丽')).toBe(NAME_PARTIAL);
    expect(level('买买提·阿依古丽', '阿依古丽·买买提·艾力')).toBe(NAME_PARTIAL);
    expect(level('阿依古丽买买提', '阿依古丽·买买提·艾力')).toBe(NAME_PARTIAL);
    expect(level('Zhang San', 'San Zhang')).toBe(NAME_PARTIAL);
  });
  it('differs: other people', () => {
    expect(level('王伟', '李伟')).toBe(NAME_DIFFERS); // one-character given names are too common to count
    expect(level('王伟', '王芳')).toBe(NAME_DIFFERS);
    expect(level('王伟华', '王建国')).toBe(NAME_DIFFERS);
    expect(level('阿依古丽·买买提', '阿依古丽·艾力')).toBe(NAME_DIFFERS); // same given name, another father
    expect(level('王伟', '王伟华强')).toBe(NAME_DIFFERS);
  });
});

describe('confusable character table', () => {
  const pairs = lookAlikePairs();
  it('holds several hundred look-alike pairs', () => expect(pairs.length).toBeGreaterThan(300));
  it('is symmetric', () => {
    for (const p of pairs) {
      const [a, b] = [...p];
      expect(lookAlike(a, b) && lookAlike(b, a), p).toBe(true);
    }
  });
  it('holds only simplified characters that normalisation leaves as they are', () => {
    const chars = new Set(pairs.flatMap((p) => [...p]));
    const changed = [...chars].filter((c) => normaliseName(c) !== c);
    expect(changed).toEqual([]);
  });
  it('holds the classic confusions', () => {
    for (const [a, b] of [['己', '已'], ['已', '巳'], ['己', '巳'], ['未', '末'], ['戍', '戌'], ['淑', '叔'], ['霞', '瑕'], ['玉', '王']]) {
      expect(lookAlike(a, b), a + b).toBe(true);
    }
  });
  it('relates characters strongest first', () => {
    expect(charRelation('王', '王')).toBe('same');
    expect(charRelation('己', '已')).toBe('look-alike');
    expect(charRelation('张', '章')).toBe('homophone');
    expect(charRelation('陈', '程')).toBe('near-homophone');
    expect(charRelation('王', '李')).toBeNull();
    expect(homophones('单', '丹')).toBe(true);
    expect(nearHomophones('刘', '牛')).toBe(true); // liu / niu
    expect(nearHomophones('王', '李')).toBe(false);
  });
  it('applies the input-method fuzzy-pinyin rules', () => {
    expect(fuzzySyllable('zhang')).toBe('zan');
    expect(fuzzySyllable('cheng')).toBe(fuzzySyllable('chen'));
    expect(fuzzySyllable('ning')).toBe(fuzzySyllable('lin'));
    expect(fuzzySyllable('rong')).toBe('long');
    expect(fuzzySyllable('fu')).toBe('hu');
    expect(fuzzySyllable('huang')).toBe(fuzzySyllable('huan'));
    expect(fuzzySyllable('ng')).toBe('ng');
  });
});
