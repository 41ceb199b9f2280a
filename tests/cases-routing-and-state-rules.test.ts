import { describe, expect, it } from 'vitest';
import { queueForDivision, routeCase } from '../src/cases/township-router.js';
import { caseAccess, nextStatus, requireCaseRight, type CaseScopeFacts } from '../src/cases/case-state.js';
import { RULES, deadlineHours, ruleDefinition } from '../src/rules/catalog.js';
import { afterFailure, retryDelayMs } from '../src/notify/retry-policy.js';
import { renderSms } from '../src/notify/sms-sender.js';
import { loadConfig, ConfigError } from '../src/config.js';

describe('routing a case to a queue', () => {
  it('takes the township from a village code, keeps a township code, and sends a county code to the county queue', () => {
    expect(queueForDivision('430102001002')).toEqual({ township: '430102001', county: '430102' });
    expect(queueForDivision('430102001')).toEqual({ township: '430102001', county: '430102' });
    expect(queueForDivision('430102001000')).toEqual({ township: '430102001', county: '430102' });
    expect(queueForDivision('430102')).toEqual({ township: null, county: '430102' });
    expect(queueForDivision('430102000000')).toEqual({ township: null, county: '430102' });
  });

  it('refuses city, province and malformed codes', () => {
    for (const bad of ['4301', '43', '430100000000', '12345', 'abc']) {
      expect(() => queueForDivision(bad), bad).toThrow(expect.objectContaining({ code: 'YPQ_CASE_ROUTING' }));
    }
  });

  it('routes by the rule\'s target division and falls back to residence, hukou, then the submitter', () => {
    const newborn = ruleDefinition('newborn_unregistered')!;
    const d = { hukou: '430102001001', residence: '430103002001', submitter: '430104' };
    expect(routeCase(newborn, d)).toMatchObject({ township: '430102001', routedBy: 'hukou' });
    expect(routeCase(ruleDefinition('new_resident')!, d)).toMatchObject({ township: '430103002', routedBy: 'residence' });
    expect(routeCase(ruleDefinition('suspect_identifier')!, d)).toMatchObject({ township: null, county: '430104', routedBy: 'submitter' });
    expect(routeCase(newborn, { residence: '430103002001' })).toMatchObject({ township: '430103002', routedBy: 'residence' });
    expect(() => routeCase(newborn, {})).toThrow(/needs a hukou division/);
  });
});

describe('the rule catalog', () => {
  it('holds the seven rules with titles, routing, deadlines and payload allow-lists', () => {
    expect(RULES.map((r) => r.code)).toEqual([
      'newborn_unregistered', 'new_resident', 'maternal_care_enrolment', 'premarital_check_offer',
      'agency_conflict', 'record_on_inactive_person', 'suspect_identifier',
    ]);
    expect(deadlineHours('newborn_unregistered')).toBe(30 * 24);
    for (const r of RULES) {
      expect(r.title.zh && r.title.en).toBeTruthy();
      expect(r.payloadFields.length).toBeGreaterThan(0);
    }
  });

  it('takes deadline overrides from CASE_DEADLINE_HOURS and rejects unknown rules there', () => {
    const cfg = loadConfig({ CASE_DEADLINE_HOURS: 'new_resident=4, agency_conflict=48' });
    expect(deadlineHours('new_resident', cfg.caseDeadlineHours)).toBe(4);
    expect(deadlineHours('newborn_unregistered', cfg.caseDeadlineHours)).toBe(720);
    expect(() => loadConfig({ CASE_DEADLINE_HOURS: 'no_such_rule=4' })).toThrow(ConfigError);
    expect(() => loadConfig({ CASE_DEADLINE_HOURS: 'new_resident=soon' })).toThrow(ConfigError);
  });
});

describe('the case state machine', () => {
  it('allows open → accepted → resolved → closed and open → returned → closed', () => {
    expect(nextStatus(1, 'accept', 'open')).toBe('accepted');
    expect(nextStatus(1, 'resolve', 'accepted')).toBe('resolved');
    expect(nextStatus(1, 'close', 'resolved')).toBe('closed');
    expect(nextStatus(1, 'return', 'open')).toBe('returned');
    expect(nextStatus(1, 'close', 'returned')).toBe('closed');
    expect(nextStatus(1, 'auto_close', 'accepted')).toBe('closed');
    expect(nextStatus(1, 'delegate', 'accepted')).toBe('accepted');
  });

  it('refuses illegal transitions with a 409 that says why', () => {
    expect(() => nextStatus(7, 'resolve', 'open')).toThrow(expect.objectContaining({ code: 'YPQ_CASE_STATE', statusCode: 409 }));
    expect(() => nextStatus(7, 'resolve', 'open')).toThrow('Case 7 is open: cannot resolve: accept the case before resolving it');
    expect(() => nextStatus(7, 'accept', 'accepted')).toThrow(/only an open case/);
    expect(() => nextStatus(7, 'close', 'open')).toThrow(/resolved or returned/);
    expect(() => nextStatus(7, 'comment', 'closed')).toThrow(/closed case/);
    expect(() => nextStatus(7, 'auto_close', 'resolved')).toThrow(/handled case/);
  });

  it('gives townships, counties and admins the rights their place gives them', () => {
    const facts: CaseScopeFacts = { township: '430102001', county: '430102', escalationLevel: 0, delegatedTo: ['430102002'], pendingDelegate: '430102002' };
    expect(caseAccess({ role: 'township', unit: '430102001' }, facts)).toEqual({ visible: true, owner: true, delegate: false, supervisor: false });
    expect(caseAccess({ role: 'township', unit: '430102002' }, facts)).toEqual({ visible: true, owner: false, delegate: true, supervisor: false });
    expect(caseAccess({ role: 'township', unit: '430102003' }, facts).visible).toBe(false);
    expect(caseAccess({ role: 'county', unit: '430102' }, facts)).toEqual({ visible: true, owner: false, delegate: false, supervisor: true });
    expect(caseAccess({ role: 'county', unit: '430102' }, { ...facts, escalationLevel: 1 }).owner).toBe(true);
    expect(caseAccess({ role: 'county', unit: '430103' }, facts).visible).toBe(false);
    expect(caseAccess({ role: 'agency', unit: 'H001' }, facts).visible).toBe(false);
    expect(() => requireCaseRight(caseAccess({ role: 'township', unit: '430102002' }, facts), 'resolve')).toThrow(
      expect.objectContaining({ code: 'YPQ_FORBIDDEN' }),
    );
  });
});

describe('notification retries', () => {
  it('back off exponentially up to a ceiling, then give up', () => {
    const p = { maxAttempts: 4, baseMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, p))).toEqual([1000, 2000, 4000, 5000, 5000]);
    const now = new Date('2024-03-05T00:00:00Z');
    expect(afterFailure(1, now, p)).toEqual({ dead: false, at: new Date('2024-03-05T00:00:01Z') });
    expect(afterFailure(4, now, p)).toEqual({ dead: true });
  });

  it('fill the SMS template with the case number, title and Beijing-time deadline only', () => {
    const text = renderSms('{unit} 案件 {caseId}（{title}）{event}，请于 {deadline} 前办理', {
      event: 'case.raised', caseId: 42, rule: 'newborn_unregistered', title: '新生儿未落户', township: '430102001',
      county: '430102', deadline: '2024-03-05T16:30:00.000Z', escalationLevel: 0, occurredAt: '2024-03-01T00:00:00.000Z',
    });
    expect(text).toBe('430102001 案件 42（新生儿未落户）已派发，请于 2024-03-06 00:30 前办理');
  });
});
