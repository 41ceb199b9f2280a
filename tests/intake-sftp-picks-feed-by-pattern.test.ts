// Pure pieces of the SFTP channel: which file goes to which feed, and collision-free names.
import { describe, expect, it } from 'vitest';
import { parseRoute, routeMatcher } from '../src/intake/sftp/routes.js';
import { stampedName } from '../src/intake/sftp/remote-files.js';
import { slotSeconds } from '../src/intake/sftp/poll-job.js';

describe('file name patterns', () => {
  const match = routeMatcher([parseRoute('births_*.csv=birth', undefined), parseRoute('*.csv', 'prenatal')]);

  it('takes the first pattern that matches, case-insensitively', () => {
    expect(match('births_20240305.csv')?.feed).toBe('birth');
    expect(match('BIRTHS_20240305.CSV')?.feed).toBe('birth');
    expect(match('exams.csv')?.feed).toBe('prenatal');
    expect(match('exams.xml')).toBeUndefined();
  });

  it('leaves upload temporaries, checksum companions and error notes alone', () => {
    expect(match('.births_1.csv')).toBeUndefined();
    expect(routeMatcher([parseRoute('*', 'birth')])('a.csv.sha256')).toBeUndefined();
    expect(routeMatcher([parseRoute('*', 'birth')])('a.csv.MD5')).toBeUndefined();
    expect(routeMatcher([parseRoute('*', 'birth')])('a.csv.error.txt')).toBeUndefined();
  });

  it('explains a bad pattern', () => {
    expect(() => parseRoute('*.csv', undefined)).toThrow(/needs a feed/);
    expect(() => parseRoute('*.csv=births', undefined)).toThrow(/unknown feed "births"/);
    expect(() => parseRoute('in/*.csv=birth', undefined)).toThrow(/file names, not paths/);
  });
});

describe('names in processed/ and rejected/', () => {
  const at = new Date('2024-03-06T02:00:00.123Z');
  it('puts a UTC timestamp before the extension, and a counter within the same second', () => {
    expect(stampedName('births.csv', at)).toBe('births.20240306T020000Z.csv');
    expect(stampedName('births.csv', at, 3)).toBe('births.20240306T020000Z-3.csv');
    expect(stampedName('README', at)).toBe('README.20240306T020000Z');
  });
});

describe('poll throttle slot', () => {
  it('is the interval in whole seconds, at least 1 and at most pg-boss archive interval', () => {
    expect(slotSeconds(60_000)).toBe(60);
    expect(slotSeconds(1500)).toBe(1);
    expect(slotSeconds(86_400_000)).toBe(43_200);
  });
});
