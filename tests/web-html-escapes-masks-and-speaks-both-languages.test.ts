// The pure pieces of the pages: the html`` tag escapes every value, JSON for page scripts cannot
// close its element, ID numbers and phones are masked, dates read the Chinese way in Beijing
// time, and both dictionaries have the same keys with the same placeholders.
import { describe, expect, it } from 'vitest';
import { html, jsonScript, qs, raw } from '../src/web/html.js';
import { date, dateTime, maskId, maskPhone, month, monthKey } from '../src/web/format.js';
import { translator } from '../src/web/i18n/index.js';
import { zh } from '../src/web/i18n/zh.js';
import { en } from '../src/web/i18n/en.js';
import { safeNext } from '../src/web/context.js';
import { RULES } from '../src/rules/catalog.js';
import { LINK_RULES } from '../src/matching/link-decision.js';

describe('html', () => {
  it('escapes interpolated values, keeps Html as it is, and drops null, undefined and false', () => {
    const evil = `<script>alert("x")</script>' onmouseover='1\``;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;1&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;1&#96;</p>',
    );
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}${raw('<br>')}`.value).toBe('0<br>');
  });

  it('puts JSON in a script element that no value can close', () => {
    const out = jsonScript('d', { s: '</script><script>alert(1)</script>', t: '<!--', u: '\u2028' }).value;
    expect(out).not.toContain('</script><script>');
    expect(out).not.toContain('<!--');
    const body = out.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, '');
    expect(JSON.parse(body)).toEqual({ s: '</script><script>alert(1)</script>', t: '<!--', u: '\u2028' });
  });

  it('builds query strings from the values that are set', () => {
    expect(qs({ status: ['open', 'accepted'], rule: undefined, q: '落户 登记', n: 0, off: false })).toBe('?status=open&status=accepted&q=%E8%90%BD%E6%88%B7+%E7%99%BB%E8%AE%B0&n=0');
    expect(qs({})).toBe('');
  });

  it('goes back only to local pages', () => {
    expect(safeNext('/ui/cases?x=1')).toBe('/ui/cases?x=1');
    for (const bad of ['https://evil.example/', '//evil.example/ui', '/v1/cases', '/ui\\@evil', undefined, '']) expect(safeNext(bad)).toBe('/ui/');
  });
});

describe('format', () => {
  it('masks ID numbers and phones', () => {
    expect(maskId('43012419900307002X')).toBe('430124********002X');
    expect(maskId('430124900307002')).toBe('430124*****7002');
    expect(maskId(null)).toBe('—');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0731-84561234')).toBe('0731******34');
  });

  it('writes dates the Chinese way in Beijing time', () => {
    expect(dateTime('zh', '2024-03-04T16:05:00Z')).toBe('2024年3月5日 00:05');
    expect(dateTime('en', '2024-03-04T16:05:00Z')).toBe('2024-03-05 00:05');
    expect(date('zh', '1990-03-07')).toBe('1990年3月7日');
    expect(month('zh', '2024-11')).toBe('2024年11月');
    expect(monthKey(new Date('2024-01-31T17:00:00Z'))).toBe('2024-02');
    expect(monthKey(new Date('2024-01-15T00:00:00Z'), 1)).toBe('2023-12');
  });
});

describe('dictionaries', () => {
  it('have the same keys and the same placeholders in Chinese and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zh) as (keyof typeof zh)[]) expect(holes(en[k]), k).toEqual(holes(zh[k]));
  });

  it('name every rule a link decision may carry, in both languages', () => {
    for (const r of LINK_RULES) for (const lang of ['zh', 'en'] as const) expect(translator(lang).code('mrule', r), `${lang} ${r}`).not.toBe(r);
  });

  it('name every payload field a rule may put on a case', () => {
    for (const r of RULES) for (const f of r.payloadFields) expect(zh, `${r.code}.${f}`).toHaveProperty(`payload.${f}`);
  });

  it('translate codes and fall back to the code itself', () => {
    const t = translator('zh');
    expect(t.code('status', 'open')).toBe('待签收');
    expect(t.code('status', 'no_such')).toBe('no_such');
    expect(t('case.escalated', { level: 2 })).toBe('已上报县级（2级）');
    expect(translator('en')('nav.cases')).toBe('Cases');
  });
});
