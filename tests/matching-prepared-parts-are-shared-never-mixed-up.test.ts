import { describe, expect, it } from 'vitest';
import { prepareRecord, preparePerson } from '../src/matching/record.js';

const row = (over: Record<string, unknown> = {}) => ({
  id_number: '430124198903080316', name: '高磊', name_norm: '高磊', name_pinyin: 'gaolei', sex: 1,
  birth_date: '1989-03-08', hukou_division: '430124002006', residence_division: '430124002007', phone: '13800000000', ...over,
});

describe('prepared persons share their parts', () => {
  it('two persons with the same name, places and birth date share the prepared objects', () => {
    const a = preparePerson(row());
    const b = preparePerson(row({ id_number: '430124198903080324', phone: null }));
    expect(b.name).toBe(a.name);
    expect(b.divisions).toBe(a.divisions);
    expect(b.divisionNumbers).toBe(a.divisionNumbers);
    expect(b.birth).toBe(19890308);
    expect(a.divisions).toEqual(['430124002007', '430124002006']);
    expect(b.id?.value).toBe('430124198903080324');
    expect(b.phone).toBe('');
  });

  it('a stored form that differs from the cached one is taken as stored', () => {
    preparePerson(row());
    const other = preparePerson(row({ name_norm: '高蕾', name_pinyin: 'gaolei2' }));
    expect(other.name?.norm).toBe('高蕾');
    expect(other.name?.pinyin).toBe('gaolei2');
    expect(preparePerson(row()).name?.norm).toBe('高磊');
  });

  it('a name without stored forms is normalised, not taken from a stored entry', () => {
    preparePerson(row({ name: '張偉', name_norm: 'stored-form', name_pinyin: 'stored' }));
    const r = prepareRecord({ name: '張偉' });
    expect(r.name?.norm).toBe('张伟');
    expect(r.name?.pinyin).not.toBe('stored');
  });

  it('places keyed by residence and registration are not confused with their order or a single code', () => {
    const ab = prepareRecord({ divisions: ['430124002007', '430124002006'] });
    const ba = prepareRecord({ divisions: ['430124002006', '430124002007'] });
    const one = prepareRecord({ divisions: ['430124002007'] });
    const none = prepareRecord({ divisions: [null, null] });
    expect(ab.divisions).toEqual(['430124002007', '430124002006']);
    expect(ba.divisions).toEqual(['430124002006', '430124002007']);
    expect(one.divisions).toEqual(['430124002007']);
    expect(none.divisions).toEqual([]);
    expect(prepareRecord({ birthDate: '2024-02-30' }).birth).toBe(0);
    expect(prepareRecord({ birthDate: '2024/2/29' }).birth).toBe(20240229);
  });
});
