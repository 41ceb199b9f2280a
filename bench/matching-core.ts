// Micro-benchmark of the matching core: 1,000,000 candidate pairs (100,000 records × 10
// candidates) compared, scored and decided. Synthetic residents, no database.
//   npm run bench:matching-core [-- pairs]
import { checkDigit } from '../src/normalise/id-number.js';
import {
  comparePairs, createModel, DEFAULT_PERSON_PARAMETERS, linkBatch, mulberry32, PERSON_COMPARISONS, prepareRecord,
  priorForPopulation, scoreVectors, type PreparedRecord,
} from '../src/matching/index.js';

const PAIRS = Number(process.argv[2] ?? 1_000_000);
const PER_RECORD = 10;
const RECORDS = Math.ceil(PAIRS / PER_RECORD);
const PERSONS = 50_000;
const rnd = mulberry32(20240305);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华文辉鹏飞斌宇浩凯晨欣怡梓涵子轩雨婷佳慧思雨俊杰志强海燕春梅晓东丹丹'];
const name = () => pick(SURNAMES) + Array.from({ length: rnd() < 0.7 ? 2 : 1 }, () => pick(GIVEN)).join('');
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
const date = () => `${1940 + Math.floor(rnd() * 80)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
const village = () => `4301${pick(['02', '03', '04', '05', '11', '21'])}${String(1 + Math.floor(rnd() * 20)).padStart(3, '0')}${String(1 + Math.floor(rnd() * 30)).padStart(3, '0')}`;

function typo(s: string): string {
  const i = Math.floor(rnd() * 17);
  return s.slice(0, i) + ((Number(s[i]) + 1) % 10) + s.slice(i + 1);
}

const t = performance.now();
const people = Array.from({ length: PERSONS }, () => {
  const birthDate = date();
  const v = village();
  const first17 = v.slice(0, 6) + birthDate.replaceAll('-', '') + digits(3);
  return { idNumber: first17 + checkDigit(first17), name: name(), sex: 1 + Math.floor(rnd() * 2), birthDate, divisions: [v], phone: '13' + digits(9) };
});
const persons: PreparedRecord[] = people.map((p) => prepareRecord(p));
const pids = people.map((_, i) => `P${i}`);
const prepMs = performance.now() - t;

// Records: a person as an agency wrote it down (some IDs missing or mistyped, some names in
// traditional characters or homophones), and nine other residents the blocking found with it.
const records: PreparedRecord[] = [];
const pairRecord = new Uint32Array(RECORDS * PER_RECORD);
const pairPerson = new Uint32Array(RECORDS * PER_RECORD);
for (let r = 0; r < RECORDS; r++) {
  const k = Math.floor(rnd() * PERSONS);
  const p = people[k];
  const x = rnd();
  records.push(
    prepareRecord({
      ...p,
      idNumber: x < 0.3 ? null : x < 0.4 ? typo(p.idNumber) : p.idNumber,
      name: x > 0.9 ? p.name.replace(/^./, (c) => ({ 张: '章', 王: '汪' })[c] ?? c) : p.name,
      phone: rnd() < 0.5 ? null : p.phone,
    }),
  );
  for (let j = 0; j < PER_RECORD; j++) {
    pairRecord[r * PER_RECORD + j] = r;
    pairPerson[r * PER_RECORD + j] = j === 0 ? k : Math.floor(rnd() * PERSONS);
  }
}
const pairs = pairRecord.subarray(0, PAIRS);
const partners = pairPerson.subarray(0, PAIRS);

const model = createModel(PERSON_COMPARISONS, { ...DEFAULT_PERSON_PARAMETERS, lambda: priorForPopulation(PERSONS) }, 'bench');
const freq = new Map<string, number>();
for (const p of persons) if (p.name) freq.set(p.name.norm, (freq.get(p.name.norm) ?? 0) + 1 / PERSONS);
const frequencies = { name: (n: string) => freq.get(n) };

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en').padStart(11)} /s`;
/** Best of three runs, in CPU milliseconds: the machine is shared, wall time would measure the neighbours. */
function measure<T>(f: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let rep = 0; rep < 3; rep++) {
    const c = process.cpuUsage();
    result = f();
    const d = process.cpuUsage(c);
    best = Math.min(best, (d.user + d.system) / 1000);
  }
  return { ms: best, result };
}
// Warm-up (JIT, character readings), then measure.
linkBatch(model, { records: records.slice(0, 1000), persons, personPids: pids, pairRecord: pairs.subarray(0, 10_000), pairPerson: partners.subarray(0, 10_000), frequencies });

const compare = measure(() => comparePairs(records, persons, pairs, partners, frequencies));
const score = measure(() => scoreVectors(model, compare.result.vectors, compare.result.tf));
const all = measure(() => linkBatch(model, { records, persons, personPids: pids, pairRecord: pairs, pairPerson: partners, frequencies }));

const counts = all.result.reduce<Record<string, number>>((a, d) => ((a[d.status] = (a[d.status] ?? 0) + 1), a), {});
const n = PAIRS.toLocaleString('en');
console.log(`prepare ${PERSONS.toLocaleString('en')} persons (opencc + pinyin, stored in the persons table): ${prepMs.toFixed(0)} ms`);
console.log(`compare              ${n} pairs ${compare.ms.toFixed(0).padStart(6)} ms` + rate(PAIRS, compare.ms));
console.log(`score                ${n} pairs ${score.ms.toFixed(0).padStart(6)} ms` + rate(PAIRS, score.ms));
console.log(`compare+score+decide ${n} pairs ${all.ms.toFixed(0).padStart(6)} ms` + rate(PAIRS, all.ms) + `  (${RECORDS.toLocaleString('en')} records)`);
console.log(`decisions ${JSON.stringify(counts)}`);
