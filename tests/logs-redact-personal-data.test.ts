import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger('info', dest), lines };
}

describe('logger redaction', () => {
  it('removes ID numbers, names, phones and addresses at every depth', () => {
    const { log, lines } = capture();
    log.info(
      {
        id_number: '11010519491231002X',
        name: '张伟',
        phone: '13800138000',
        address: '长沙市岳麓区某街1号',
        person: { idNumber: '11010519491231002X', name: '李娜', birth_date: '1990-01-01' },
        batch: { detail: { mother_id_number: '430102199001011234', mother_name: '王芳' } },
        record: { anything: 'the whole inbound record' },
        req: { headers: { authorization: 'Bearer secret-token' } },
        batchId: 42,
      },
      'ingested',
    );
    const out = lines.join('');
    for (const secret of ['11010519491231002X', '张伟', '13800138000', '长沙市', '李娜', '1990-01-01', '王芳', '430102199001011234', 'the whole inbound record', 'secret-token']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
    expect(JSON.parse(out).batchId).toBe(42); // non-personal context survives
  });
});
