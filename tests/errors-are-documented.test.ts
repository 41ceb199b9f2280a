import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, AppError, errorBody } from '../src/errors.js';

describe('error catalog', () => {
  const readme = fs.readFileSync('README.md', 'utf8');

  it('documents every code in the README with its HTTP status', () => {
    for (const [code, def] of Object.entries(ERRORS)) {
      expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${def.status} \\|`));
    }
  });

  it('renders errors in one shape', () => {
    const e = new AppError('YPQ_NOT_FOUND', ['batch 7']);
    expect(e.toJSON()).toEqual({ statusCode: 404, code: 'YPQ_NOT_FOUND', error: 'Not Found', message: 'batch 7 not found' });
    expect(errorBody(413, 'YPQ_PAYLOAD_TOO_LARGE', 'x').error).toBe('Payload Too Large');
  });
});
