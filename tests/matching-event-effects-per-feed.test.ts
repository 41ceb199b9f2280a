// What each decided event changes in the population database, as data (no database): the table
// of event rules apply-sql.ts carries out.
import { describe, expect, it } from 'vitest';
import { eventEffect } from '../src/matching/apply/event-effects.js';

const ref = (name: string | null, idNumber: string | null = null, sex: 1 | 2 | null = null, birthDate: string | null = null) =>
  ({ name, idType: idNumber ? '01' : null, idNumber, idSuspect: false, sex, birthDate });

describe('event effects', () => {
  const birth = { birthDivision: '430124001001', child: ref(null, null, 2, '2024-03-05'), mother: ref('王芳'), father: ref('张伟') };

  it('a newborn not in the register is created, living with its mother, with its parents as relations', () => {
    const e = eventEffect('birth', 'child', 'new', birth)!;
    expect(e).toMatchObject({ kind: 'create', residenceOf: 'mother' });
    expect(e.set).toEqual({ name: '', sex: 2, birth_date: '2024-03-05', marital_status: '10', status: 1, residence_division: '430124001001' });
    expect(e.relations).toEqual([
      { from: 'child', kind: 'mother', to: 'mother', op: 'setIfAbsent' },
      { from: 'child', kind: 'father', to: 'father', op: 'setIfAbsent' },
    ]);
    // The mother's decision carries the same relation, so a clerk deciding her later completes it.
    expect(eventEffect('birth', 'mother', 'linked', birth)!.relations).toEqual([{ from: 'child', kind: 'mother', to: 'mother', op: 'setIfAbsent' }]);
    expect(eventEffect('birth', 'father', 'new', birth)).toBeNull();
  });

  it('household: moves, deaths, corrections and registrations', () => {
    const base = { subject: ref('李娜', '430124199202020528', 2, '1992-02-02'), ethnicity: '01', hukouDivision: '430124001002', fromDivision: null, toDivision: null, previous: null };
    expect(eventEffect('household', 'subject', 'linked', { ...base, type: 'move_out', toDivision: '110105' })!.set).toEqual({ status: 3, hukou_division: '110105' });
    expect(eventEffect('household', 'subject', 'linked', { ...base, type: 'death' })).toMatchObject({ set: { status: 2 }, widowSpouse: true });
    expect(eventEffect('household', 'subject', 'new', { ...base, type: 'death' })).toBeNull();
    const corr = eventEffect('household', 'subject', 'linked', { ...base, type: 'correction', subject: ref('李娜娜', '430124199202020528', 2) })!;
    expect(corr.set).toMatchObject({ name: '李娜娜', name_norm: '李娜娜', name_pinyin: 'linana', id_number: '430124199202020528', id_suspect: false });
    const moveIn = eventEffect('household', 'subject', 'new', { ...base, type: 'move_in', hukouDivision: null, toDivision: '430124003001' })!;
    expect(moveIn).toMatchObject({ kind: 'create', set: { hukou_division: '430124003001', residence_division: '430124003001', status: 1 } });
    const registered = eventEffect('household', 'subject', 'linked', { ...base, type: 'birth' })!;
    expect(registered.set).toEqual({ hukou_division: '430124001002', status: 1 });
    expect(registered.fill).toMatchObject({ name: '李娜', id_number: '430124199202020528' });
  });

  it('marriage: status and spouses both ways; a divorce removes them; a reissue changes nothing', () => {
    const m = { kind: 'marriage', party1: ref('张伟'), party2: ref('王芳') };
    expect(eventEffect('marriage', 'party2', 'linked', m)).toMatchObject({
      set: { marital_status: '20' },
      relations: [{ from: 'party2', kind: 'spouse', to: 'party1', op: 'set' }, { from: 'party1', kind: 'spouse', to: 'party2', op: 'set' }],
    });
    expect(eventEffect('marriage', 'party1', 'linked', { ...m, kind: 'divorce' })!.set).toEqual({ marital_status: '40' });
    expect(eventEffect('marriage', 'party1', 'linked', { ...m, kind: 'divorce' })!.relations[0].op).toBe('remove');
    expect(eventEffect('marriage', 'party1', 'linked', { ...m, kind: 'reissue' })).toBeNull();
  });

  it('housing: the current residence while living there; prenatal fills a missing phone; review changes nothing', () => {
    const h = { division: '430124002003', subject: ref('刘磊'), phone: '13800138000', movedOut: null };
    expect(eventEffect('housing', 'subject', 'linked', h)).toMatchObject({ set: { residence_division: '430124002003' }, fill: { phone: '13800138000' } });
    expect(eventEffect('housing', 'subject', 'linked', { ...h, movedOut: '2024-05-01' })).toBeNull();
    expect(eventEffect('prenatal', 'subject', 'linked', { phone: '13800138000' })).toMatchObject({ set: {}, fill: { phone: '13800138000' } });
    expect(eventEffect('housing', 'subject', 'review', h)).toBeNull();
  });
});
