// Full-width forms (０-９, Ｘ, －, ／ …) appear in agency exports typed with Chinese input methods.

/** Full-width ASCII (U+FF01–U+FF5E) to ASCII, and the ideographic space to a space. */
export function toAscii(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** Only digits, X/x and separators: names stay untouched. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF38\uFF58\uFF0D\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}
