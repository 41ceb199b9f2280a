// XML text → one raw object per record element, streamed through sax (strict mode).
// <root><record a="1"><x>…</x><y><z>…</z></y></record>…</root> gives {a, x, y: {z}} per record:
// attributes of the record element and its child elements by name; a repeated child becomes
// an array (which the schema then rejects as "not text"). A DOCTYPE or entity declaration is
// refused before anything is expanded — sax never expands declared entities, and we stop at
// the declaration itself.
import sax from 'sax';
import type { RawRow } from './raw-row.js';
import { isSafeKey } from './raw-row.js';
import { unparseable } from './text-input.js';

export interface XmlShape {
  /** The root element, e.g. 'births'. */
  root: string;
  /** The element holding one record, a child of the root, e.g. 'birth'. */
  record: string;
}

interface Frame {
  name: string;
  obj: Record<string, unknown> | null;
  text: string;
}

interface OpenRecord {
  position: number;
  line: number;
  start: number;
  frames: Frame[];
  tooLong: boolean;
}

function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (!isSafeKey(key)) return;
  if (!Object.prototype.hasOwnProperty.call(obj, key)) obj[key] = value;
  else if (Array.isArray(obj[key])) (obj[key] as unknown[]).push(value);
  else obj[key] = [obj[key], value];
}

class XmlRecords {
  readonly out: RawRow[] = [];
  private readonly p = sax.parser(true, { position: true });
  private depth = 0;
  private sawRoot = false;
  private count = 0;
  private rec: OpenRecord | null = null;

  constructor(
    private readonly shape: XmlShape,
    private readonly maxChars: number,
  ) {
    const p = this.p;
    p.onerror = (e) => {
      throw this.translate(e.message);
    };
    p.ondoctype = () => {
      throw unparseable(
        `line ${p.line + 1}: the XML has a DOCTYPE declaration; DTDs and entity declarations are not accepted (they can expand without limit or read other files)`,
      );
    };
    p.onsgmldeclaration = () => {
      throw unparseable(`line ${p.line + 1}: <!… declarations (entities, DTDs) are not accepted in a feed file`);
    };
    p.onopentag = (tag) => this.open(tag.name, tag.attributes as Record<string, string>);
    p.onclosetag = () => this.close();
    p.ontext = p.oncdata = (t) => this.text(t);
  }

  private where(): string {
    return `line ${this.p.line + 1}, column ${this.p.column + 1}`;
  }

  private translate(saxMessage: string) {
    const first = saxMessage.split('\n')[0];
    if (/^Unclosed root tag|^Unexpected end/.test(first)) {
      const complete = this.count - (this.rec ? 1 : 0);
      return unparseable(`the XML ends inside <${this.shape.root}> after ${complete} complete record(s): the file is truncated or a closing tag is missing`);
    }
    if (/Invalid character entity/.test(first)) {
      return unparseable(`${this.where()}: unknown entity; only &amp; &lt; &gt; &quot; &apos; and numeric character references are allowed`);
    }
    if (/Non-whitespace before first tag/.test(first)) return unparseable('the file does not start with an XML element: is it CSV or JSON?');
    if (/doctype/i.test(first)) return unparseable(`${this.where()}: the DOCTYPE declaration is not accepted`);
    if (/Max buffer length exceeded/.test(first)) return unparseable(`${this.where()}: a tag, attribute or comment longer than 64 KiB`);
    return unparseable(`${this.where()}: not well-formed XML (${first.replace(/\.$/, '').toLowerCase()})`);
  }

  private open(name: string, attributes: Record<string, string>): void {
    this.depth++;
    const rec = this.rec;
    if (this.depth === 1) {
      if (this.sawRoot) throw unparseable(`${this.where()}: a second root element <${name}>; an XML file has exactly one`);
      this.sawRoot = true;
      if (name !== this.shape.root) throw unparseable(`the root element is <${name}>; this feed's XML has <${this.shape.root}> with one <${this.shape.record}> per record`);
      return;
    }
    if (this.depth === 2) {
      if (name !== this.shape.record) return; // header or trailer elements: not records
      const obj: Record<string, unknown> = {};
      for (const k of Object.keys(attributes)) put(obj, k, attributes[k]);
      this.rec = { position: ++this.count, line: this.p.line + 1, start: this.p.startTagPosition - 1, frames: [{ name, obj, text: '' }], tooLong: false };
      return;
    }
    if (!rec || this.oversize(rec)) return;
    const parent = rec.frames[rec.frames.length - 1];
    parent.obj ??= {};
    rec.frames.push({ name, obj: null, text: '' });
  }

  private text(t: string): void {
    const rec = this.rec;
    if (!rec || rec.frames.length < 2 || this.oversize(rec)) return;
    rec.frames[rec.frames.length - 1].text += t;
  }

  private oversize(rec: OpenRecord): boolean {
    if (!rec.tooLong && this.p.position - rec.start > this.maxChars) {
      rec.tooLong = true;
      rec.frames.length = 1; // keep what was read at the top (the id, usually) for the reject
    }
    return rec.tooLong;
  }

  private close(): void {
    const rec = this.rec;
    const depth = this.depth--;
    if (!rec) return;
    if (depth === 2) {
      this.rec = null;
      this.oversize(rec);
      const raw = rec.frames[0].obj;
      this.out.push(
        rec.tooLong
          ? { position: rec.position, raw, error: { field: null, code: 'RECORD_TOO_LONG', message: `record ${rec.position} (<${this.shape.record}> at line ${rec.line}) is longer than ${this.maxChars} characters (the limit for one record)` } }
          : { position: rec.position, raw },
      );
      return;
    }
    if (rec.tooLong) return;
    const f = rec.frames.pop()!;
    put(rec.frames[rec.frames.length - 1].obj!, f.name, f.obj ?? f.text);
  }

  write(text: string): void {
    this.p.write(text);
  }

  end(): void {
    this.p.close();
    if (!this.sawRoot) throw unparseable('the file holds no XML element');
  }
}

/** Records out of XML text, a batch per chunk. Throws YPQ_UNPARSEABLE, after the records completed before the fault. */
export async function* readXml(text: AsyncIterable<string>, shape: XmlShape, maxChars: number): AsyncGenerator<RawRow[]> {
  const xml = new XmlRecords(shape, maxChars);
  for await (const chunk of text) {
    try {
      xml.write(chunk);
    } finally {
      if (xml.out.length) yield xml.out.splice(0);
    }
  }
  try {
    xml.end();
  } finally {
    if (xml.out.length) yield xml.out.splice(0);
  }
}
