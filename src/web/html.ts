// HTML by tagged template: every interpolated value is escaped unless it is already Html (made by
// this tag or by raw()). Arrays are joined, null/undefined/false render nothing. This is the only
// way pages produce markup, so an unescaped value needs a visible raw() call in review.

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESC[c]);
}

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Renderable = Html | string | number | bigint | boolean | null | undefined | readonly Renderable[];

function render(v: Renderable): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Renderable[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup only (constants, or output of html``). */
export const raw = (s: string): Html => new Html(s);

/**
 * Data for a page script, as JSON inside <script type="application/json">: `<`, `>`, `&` and the
 * line separators are escaped so that no value can close the element or start a comment.
 */
export function jsonScript(id: string, data: unknown): Html {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new Html(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}

/** A query string from defined, non-empty values (arrays repeat the key). */
export function qs(params: Record<string, string | number | boolean | readonly string[] | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v)) for (const x of v) u.append(k, x);
    else u.append(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}
