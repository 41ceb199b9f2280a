// Demo activity on top of the demo county, so that the staff pages show work on the first start:
// the coordination group and five demo accounts (printed at start, named in the README), a few
// months of small agency batches sent through the real intake pipeline (with some bad rows),
// cases raised through raiseCase, a business item, a document, a news item, a question, and the
// monthly figures computed. Everything is synthetic, like the county itself.
import { Readable } from 'node:stream';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { actOnCase } from '../cases/case-actions.js';
import { raiseCase } from '../cases/raise-case.js';
import { config } from '../config.js';
import { computeSharing } from '../coordination/data-sharing/sharing-service.js';
import { createDocument } from '../coordination/documents/document-service.js';
import { actOnItem, submitItem } from '../coordination/items/item-service.js';
import { askQuestion } from '../coordination/qa/qa-service.js';
import { parseMonth } from '../coordination/shared/month.js';
import { computeSupervision } from '../coordination/supervision/supervision-service.js';
import { putUnit } from '../coordination/units/unit-service.js';
import { CLI_ACTOR, createUser } from '../coordination/users/user-service.js';
import { ingest } from '../intake/ingest.js';
import { linkBatchRun } from '../matching/link-run.js';
import { matchSettings } from '../matching/settings.js';
import type { DemoCounty, FixtureAgency } from '../../fixtures/generator/index.js';

/** The demo password of every demo account: known on purpose, for the demo county only. */
export const DEMO_PASSWORD = 'Yipanqi@2024';

export interface DemoAccount {
  username: string;
  role: Principal['role'];
  /** Set from the county when seeding. */
  unit: string;
  feeds?: Principal['feeds'];
  displayName: string;
  what: string;
}

export function demoAccounts(county: DemoCounty): DemoAccount[] {
  const [t1, t2] = county.townships;
  return [
    { username: 'demo-county', role: 'county', unit: county.code, displayName: '县协调办 王主任', what: `county office of ${county.name}` },
    { username: 'demo-town', role: 'township', unit: t1.code, displayName: `${t1.name} 李干事`, what: `township ${t1.name}` },
    { username: 'demo-town2', role: 'township', unit: t2.code, displayName: `${t2.name} 周干事`, what: `township ${t2.name}` },
    { username: 'demo-hospital', role: 'agency', unit: `${county.code}H01`, feeds: ['prenatal', 'birth'], displayName: '人民医院 信息科', what: 'agency (county hospital)' },
    { username: 'demo-admin', role: 'admin', unit: '00', displayName: '系统管理员', what: 'administrator' },
  ];
}

interface PersonPick {
  pid: string;
  name: string;
  id_number: string | null;
  birth_date: string | null;
  sex: number;
  phone: string | null;
  residence_division: string | null;
  hukou_division: string | null;
}

const DAY = 86_400_000;
const csvField = (v: string | null | undefined) => {
  const s = v ?? '';
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: (string | null)[][]) => [header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
const ymd = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

async function pick(pool: pg.Pool, prefix: string, where: string, n: number): Promise<PersonPick[]> {
  const { rows } = await pool.query<PersonPick>(
    `SELECT pid, name, id_number, birth_date::text AS birth_date, sex, phone, residence_division, hukou_division FROM persons
     WHERE residence_division LIKE $1 AND status = 1 AND id_number IS NOT NULL AND ${where} ORDER BY pid LIMIT $2`,
    [`${prefix}%`, n],
  );
  return rows;
}

async function send(pool: pg.Pool, log: Logger, agency: string, feed: 'prenatal' | 'housing' | 'marriage', fileName: string, body: string, receivedAt: Date) {
  const r = await ingest({ pool, log }, { agency, feed, channel: 'http', fileName, format: 'csv', input: Readable.from([Buffer.from(body)]), actor: 'demo-seed' });
  // Back-date the batch so that the monthly figures and charts have a history.
  await pool.query('UPDATE batches SET received_at = $2, finished_at = $2 WHERE id = $1', [r.batchId, receivedAt]);
  return r.batchId;
}

export async function seedDemoActivity(pool: pg.Pool, log: Logger, county: DemoCounty, agencies: FixtureAgency[]): Promise<void> {
  const cfg = config();
  const now = new Date();
  const [t1, t2] = county.townships;
  const office: Principal = { sub: 'demo-county', role: 'county', unit: county.code, feeds: [] };
  const town1: Principal = { sub: 'demo-town', role: 'township', unit: t1.code, feeds: [] };
  const hospital = agencies.find((a) => a.code.endsWith('H01'))!;
  const housing = agencies.find((a) => a.kind === 'housing')!;
  const civil = agencies.find((a) => a.kind === 'civil_affairs')!;

  // The coordination group: the office, the agencies, the townships.
  await putUnit(pool, office, county.code, { name: `${county.name}人口信息协调办公室`, kind: 'office', duties: '统筹协调、督办考核', topics: ['督办', '考核'], contactName: '王主任', contactPhone: '0731-86000000' });
  for (const a of agencies) {
    await putUnit(pool, office, a.code, { name: a.name, kind: a.kind === 'hospital' && a.division !== county.code ? 'agency' : 'department', duties: `报送${a.feeds.join('、')}数据`, topics: a.feeds });
  }
  for (const t of county.townships) await putUnit(pool, office, t.code, { name: t.name, kind: 'township', duties: '辖区人口服务与信息核实', topics: ['流动人口', '户籍'] });

  for (const a of demoAccounts(county)) {
    await createUser(pool, cfg, CLI_ACTOR, { username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, role: a.role, unit: a.unit, feeds: a.feeds ?? [] });
  }

  // Agency batches over four months, through the real intake; each has a row or two to reject.
  const women = await pick(pool, t1.code, "sex = 2 AND birth_date BETWEEN '1986-01-01' AND '2004-12-31'", 12);
  const movers = await pick(pool, t1.code, 'TRUE', 12);
  const men = await pick(pool, t2.code, "sex = 1 AND birth_date BETWEEN '1980-01-01' AND '2000-12-31'", 4);
  const brides = await pick(pool, t2.code, "sex = 2 AND birth_date BETWEEN '1984-01-01' AND '2002-12-31'", 4);
  const batches: { month: number; prenatal?: number; housing?: number; marriage?: number }[] = [];
  for (let back = 3; back >= 0; back--) {
    const at = back === 0 ? new Date(now.getTime() - 3_600_000) : new Date(now.getTime() - back * 30 * DAY);
    const day = ymd(at);
    const w = women.slice((3 - back) * 3, (3 - back) * 3 + 3);
    const prenatal = csv(
      ['record_id', 'facility_code', 'exam_date', 'name', 'id_type', 'id_number', 'birth_date', 'phone', 'residence_division', 'address', 'gestational_weeks', 'expected_date'],
      [
        ...w.map((p, i) => [`PN${day.replace(/-/g, '')}${i + 1}`, hospital.code, day, p.name, '01', p.id_number, p.birth_date, p.phone, p.residence_division, `${t1.name}${i + 3}号`, String(10 + i * 6), ymd(new Date(at.getTime() + (200 - i * 40) * DAY))]),
        [`PN${day.replace(/-/g, '')}9`, hospital.code, day, '赵某', '01', '4301241990', '1990-01-01', '', t1.code, '', '12', ''],
      ],
    );
    const h = movers.slice((3 - back) * 3, (3 - back) * 3 + 3);
    const housingCsv = csv(
      ['record_id', 'property_id', 'division', 'address', 'name', 'id_number', 'phone', 'occupancy', 'moved_in', 'moved_out', 'note'],
      [
        ...h.map((p, i) => [`HS${day.replace(/-/g, '')}${i + 1}`, `F-${100 + i}`, p.residence_division, `${t1.name}幸福路${i + 8}号`, p.name, p.id_number, p.phone, i === 0 ? '业主' : '租户', day, '', '']),
        [`HS${day.replace(/-/g, '')}9`, 'F-999', t1.code, '幸福路99号', '钱某', '430124199202020202', '', '租户', '2024-13-45', '', ''],
      ],
    );
    const row: (typeof batches)[number] = { month: back };
    row.prenatal = await send(pool, log, hospital.code, 'prenatal', `prenatal-${day}.csv`, prenatal, at);
    row.housing = await send(pool, log, housing.code, 'housing', `housing-${day}.csv`, housingCsv, new Date(at.getTime() + 600_000));
    if (back <= 1) {
      const k = 1 - back;
      const m = men.slice(k * 2, k * 2 + 2);
      const b = brides.slice(k * 2, k * 2 + 2);
      const marriages = csv(
        ['record_id', 'kind', 'registered_on', 'office_code', 'party1_name', 'party1_id_number', 'party1_birth_date', 'party2_name', 'party2_id_number', 'party2_birth_date'],
        m.map((p, i) => [`MR${day.replace(/-/g, '')}${i + 1}`, 'marriage', day, `${county.code}MZJ`, p.name, p.id_number, p.birth_date, b[i]?.name ?? '孙某', b[i]?.id_number ?? '', b[i]?.birth_date ?? '']),
      );
      row.marriage = await send(pool, log, civil.code, 'marriage', `marriage-${day}.csv`, marriages, new Date(at.getTime() + 1_200_000));
    }
    batches.push(row);
  }

  // Records that name a resident without an ID number: where two residents of the township share
  // the name, matching cannot decide alone and the record goes to the clerks' review queue.
  const { rows: namesakes } = await pool.query<{ name: string; town: string }>(
    `SELECT name, left(residence_division, 9) AS town FROM persons WHERE residence_division LIKE $1 AND status = 1
     GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY 2, 1 LIMIT 3`,
    [`${county.code}%`],
  );
  const unsure = namesakes.length ? namesakes : movers.slice(6, 8).map((p) => ({ name: p.name, town: (p.residence_division ?? t1.code).slice(0, 9) }));
  const checkDay = ymd(now);
  const check = await send(pool, log, housing.code, 'housing', `housing-check-${checkDay}.csv`, csv(
    ['record_id', 'property_id', 'division', 'address', 'name', 'id_number', 'phone', 'occupancy', 'moved_in', 'moved_out', 'note'],
    unsure.map((u, i) => [`HC${checkDay.replace(/-/g, '')}${i + 1}`, `F-${300 + i}`, u.town, `新村路${i + 1}号`, u.name, '', '', '租户', checkDay, '', '证件待补']),
  ), new Date(now.getTime() - 1_800_000));
  // Link every demo batch now, as the link-batch job would (it finds them done and skips them).
  for (const id of [...batches.flatMap((b) => [b.prenatal, b.housing, b.marriage]), check]) {
    if (!id) continue;
    await linkBatchRun({ pool, log: log.child({ demo: true }, { level: 'warn' }), settings: matchSettings(cfg) }, id, { actor: 'demo-seed' }).catch((err) =>
      log.warn({ err, batchId: id }, 'demo batch not linked'),
    );
  }

  // Cases, as the rules would raise them for these records: some old and overdue, some new.
  const cases: number[] = [];
  for (let i = 0; i < women.length; i++) {
    const p = women[i];
    const back = 3 - Math.floor(i / 3);
    const raisedAt = new Date(now.getTime() - (back * 30 + 2) * DAY + i * 3_600_000);
    const batchId = batches.find((b) => b.month === back)?.prenatal;
    const r = await raiseCase(pool, {
      rule: 'maternal_care_enrolment', dedupKey: `demo:prenatal:${p.pid}`, subjects: [p.pid], township: p.residence_division ?? t1.code,
      payload: { name: p.name, contact: p.phone ?? undefined, expectedDate: ymd(new Date(raisedAt.getTime() + (200 + i * 7) * DAY)), facilityCode: hospital.code },
      source: { kind: 'record', agency: hospital.code, feed: 'prenatal', batchId, recordId: `PN-demo-${i + 1}` },
    }, { now: raisedAt });
    cases.push(r.id);
  }
  for (let i = 0; i < movers.length; i++) {
    const p = movers[i];
    const back = 3 - Math.floor(i / 3);
    const raisedAt = new Date(now.getTime() - (back * 30 + 1) * DAY + i * 3_600_000);
    const r = await raiseCase(pool, {
      rule: 'new_resident', dedupKey: `demo:housing:${p.pid}`, subjects: [p.pid], township: p.residence_division ?? t1.code,
      payload: { residenceDivision: p.residence_division, hukouDivision: p.hukou_division, address: `${t1.name}幸福路${(i % 3) + 8}号`, movedIn: ymd(raisedAt), occupancy: i % 3 === 0 ? '业主' : '租户' },
      source: { kind: 'record', agency: housing.code, feed: 'housing', batchId: batches.find((b) => b.month === back)?.housing, recordId: `HS-demo-${i + 1}` },
    }, { now: raisedAt });
    cases.push(r.id);
  }
  for (let i = 0; i < men.length; i++) {
    const raisedAt = new Date(now.getTime() - (i < 2 ? 31 : 1) * DAY);
    await raiseCase(pool, {
      rule: 'premarital_check_offer', dedupKey: `demo:marriage:${men[i].pid}`, subjects: [men[i].pid, ...(brides[i] ? [brides[i].pid] : [])], township: men[i].residence_division ?? t2.code,
      payload: { registeredOn: ymd(raisedAt), officeCode: `${county.code}MZJ`, marriageRecordId: `MR-demo-${i + 1}`, residenceDivision: men[i].residence_division },
      source: { kind: 'record', agency: civil.code, feed: 'marriage', recordId: `MR-demo-${i + 1}` },
    }, { now: raisedAt });
  }
  // A disagreement between agencies, with the match explanation a probabilistic link keeps.
  const p0 = movers[0];
  await raiseCase(pool, {
    rule: 'agency_conflict', dedupKey: `demo:conflict:${p0.pid}:phone`, subjects: [p0.pid], township: p0.hukou_division ?? t1.code,
    payload: { field: 'phone', populationValue: p0.phone ?? '', values: { [housing.code]: '13900001111' } },
    source: { kind: 'record', agency: housing.code, feed: 'housing', recordId: 'HS-demo-1' },
    explanation: {
      model: 'person-default', rule: 'above-link-threshold', thresholds: { link: 0.99, review: 0.05, minMargin: 6 }, priorWeight: -22.3, candidateCount: 2, margin: 31.4,
      candidates: [
        { pid: p0.pid, matchWeight: 26.8, probability: 0.99999999, fields: [
          { field: 'id_number', level: 'exact', weight: 26.4 }, { field: 'name', level: 'exact', weight: 15.1, tf: { frequency: 0.0004, adjustment: -1.6 } },
          { field: 'birth_date', level: 'exact', weight: 14.5 }, { field: 'sex', level: 'exact', weight: 1.0 },
          { field: 'division', level: 'township', weight: 8.6 }, { field: 'phone', level: 'differs', weight: -1.3 } ] },
        { pid: movers[1].pid, matchWeight: -4.6, probability: 0.04, fields: [
          { field: 'id_number', level: 'differs', weight: -5.6 }, { field: 'name', level: 'pinyin', weight: 10.2 },
          { field: 'birth_date', level: 'one_part_off', weight: 3.1 }, { field: 'sex', level: 'exact', weight: 1.0 },
          { field: 'division', level: 'township', weight: 8.6 }, { field: 'phone', level: 'missing', weight: 0 } ] },
      ],
      excluded: [],
    },
  }, { now: new Date(now.getTime() - 2 * DAY) });

  // The oldest cases have been handled; some of the rest are still open.
  for (const [i, id] of cases.entries()) {
    if (i % 3 === 2) continue;
    try {
      await actOnCase(pool, town1, id, 'accept', { comment: '已签收' });
      if (i % 3 === 0 && i < 9) await actOnCase(pool, town1, id, 'resolve', { comment: '已上门核实并登记' });
    } catch (err) {
      log.debug({ err, id }, 'demo case action skipped');
    }
  }

  // Coordination: a business item on its way, a document, a news item and a question.
  const item = await submitItem(pool, town1, { title: '流动人口居住登记信息核实', details: `${t1.name}新入住租户较多，请县公安局协助核实户籍信息。`, requestedHandling: '三个工作日内反馈核实结果' });
  const police = agencies.find((a) => a.kind === 'police')!;
  await actOnItem(pool, office, item.id, 'assign', { units: [police.code], deadline: new Date(now.getTime() + 3 * DAY).toISOString(), comment: '请按期办理' });
  await createDocument(pool, office, 'document', { title: '关于做好流动人口服务管理信息共享工作的通知', docNumber: `${county.name.slice(0, 2)}人口办〔2024〕3号`, body: '各成员单位：\n请按月报送数据，及时核实并办理平台推送的案件。' });
  await createDocument(pool, office, 'news', { title: `${county.name}召开人口信息共享工作推进会`, body: '会议通报了各部门数据报送情况。' });
  await askQuestion(pool, town1, { title: '租户没有身份证号码怎么登记？', body: '外籍租户只有护照，居住登记如何填写？', toUnit: police.code });

  const from = parseMonth(monthKeyOf(new Date(now.getTime() - 5 * 30 * DAY)));
  const to = parseMonth(monthKeyOf(now));
  await computeSharing(pool, { from, to, onTimeDays: cfg.coordOnTimeDays });
  await computeSupervision(pool, { from, to });
  log.info({ accounts: demoAccounts(county).map((a) => a.username), cases: cases.length + men.length + 1 }, 'demo activity loaded');
}

function monthKeyOf(d: Date): string {
  const bj = new Date(d.getTime() + 8 * 3_600_000);
  return `${bj.getUTCFullYear()}-${String(bj.getUTCMonth() + 1).padStart(2, '0')}`;
}

const DEMO_USERNAMES = ['demo-county', 'demo-town', 'demo-town2', 'demo-hospital', 'demo-admin'];

/** Lines naming the demo accounts that exist and are active, for the start banner. */
export async function demoAccountBanner(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ username: string; role: string; unit: string; display_name: string }>(
    'SELECT username, role, unit, display_name FROM users WHERE username = ANY ($1) AND active ORDER BY array_position($1, username)',
    [DEMO_USERNAMES],
  );
  if (!rows.length) return '';
  return `  demo accounts (password ${DEMO_PASSWORD}; demo county only — disable them with \`yipanqi users disable NAME\`):\n` +
    rows.map((r) => `    ${r.username.padEnd(14)} ${r.role.padEnd(9)} ${r.unit.padEnd(10)} ${r.display_name}`).join('\n') + '\n';
}
