// The monthly figures as CSV (UTF-8 with a byte-order mark, so that Excel opens the Chinese
// headers right) and XLSX (exceljs: a sheet of figures and a sheet of per-field completeness).
import ExcelJS from 'exceljs';
import type { SharingMonthly } from './sharing-schema.js';

const COLUMNS: { header: string; key: string; value: (r: SharingMonthly) => string | number | null }[] = [
  { header: '月份 month', key: 'month', value: (r) => r.month },
  { header: '单位代码 agency', key: 'agency', value: (r) => r.agency },
  { header: '单位名称 agency_name', key: 'agencyName', value: (r) => r.agencyName },
  { header: '数据类别 feed', key: 'feed', value: (r) => r.feed },
  { header: '应报次数 expected', key: 'expected', value: (r) => r.expected },
  { header: '实报次数 submissions', key: 'submissions', value: (r) => r.submissions },
  { header: '按时次数 on_time', key: 'onTimeSubmissions', value: (r) => r.onTimeSubmissions },
  { header: '报送率 reporting_rate', key: 'reportingRate', value: (r) => r.reportingRate },
  { header: '及时率 on_time_rate', key: 'onTimeRate', value: (r) => r.onTimeRate },
  { header: '报送记录 supplied', key: 'supplied', value: (r) => r.supplied },
  { header: '接收 accepted', key: 'accepted', value: (r) => r.accepted },
  { header: '退回 rejected', key: 'rejected', value: (r) => r.rejected },
  { header: '重复 duplicates', key: 'duplicates', value: (r) => r.duplicates },
  { header: '退回原因 rejected_by_reason', key: 'rejectedByReason', value: (r) => Object.entries(r.rejectedByReason).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}:${v}`).join('; ') },
  { header: '完整率 completeness_rate', key: 'completenessRate', value: (r) => r.completenessRate },
  { header: '关联率 linked_share', key: 'linkedShare', value: (r) => r.linkedShare },
  { header: '得分 score', key: 'score', value: (r) => r.score },
];

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // Quote what needs it; a leading = + - @ is prefixed so that a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function sharingCsv(rows: SharingMonthly[]): string {
  const lines = [COLUMNS.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(c.value(r))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export async function sharingXlsx(rows: SharingMonthly[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'yipanqi';
  const sheet = wb.addWorksheet('数据共享');
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, key: c.key, width: Math.max(12, c.header.length + 2) }));
  for (const r of rows) sheet.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(r)])));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const fields = wb.addWorksheet('字段完整率');
  fields.columns = [
    { header: '月份 month', key: 'month', width: 10 },
    { header: '单位代码 agency', key: 'agency', width: 14 },
    { header: '数据类别 feed', key: 'feed', width: 12 },
    { header: '字段 field', key: 'field', width: 22 },
    { header: '完整率 share', key: 'share', width: 12 },
  ];
  for (const r of rows) for (const [field, share] of Object.entries(r.completeness)) fields.addRow({ month: r.month, agency: r.agency, feed: r.feed, field, share });
  fields.getRow(1).font = { bold: true };
  wb.title = title;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
