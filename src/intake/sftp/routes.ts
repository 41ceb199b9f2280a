// Which files in a drop folder are taken, and as which feed: an ordered list of glob → feed.
import picomatch from 'picomatch';
import { FEED_KINDS, type FeedKind } from '../../auth/principal.js';

export interface FeedRoute {
  pattern: string;
  feed: FeedKind;
}

/** Companion files that carry a checksum of the file they are named after. */
export const CHECKSUM_SUFFIXES = ['.sha256', '.md5'] as const;

/**
 * Parses the CLI form: "GLOB" (takes `defaultFeed`) or "GLOB=FEED". Throws a sentence for a person.
 */
export function parseRoute(spec: string, defaultFeed: FeedKind | undefined): FeedRoute {
  const eq = spec.lastIndexOf('=');
  const pattern = (eq >= 0 ? spec.slice(0, eq) : spec).trim();
  const feed = (eq >= 0 ? spec.slice(eq + 1).trim() : defaultFeed) as FeedKind | undefined;
  if (!pattern) throw new Error(`empty file name pattern in "${spec}"`);
  if (pattern.includes('/')) throw new Error(`a pattern matches file names, not paths: "${pattern}"`);
  if (!feed) throw new Error(`pattern "${pattern}" needs a feed: write "${pattern}=KIND" or give --feed`);
  if (!(FEED_KINDS as readonly string[]).includes(feed)) {
    throw new Error(`unknown feed "${feed}" (one of ${FEED_KINDS.join(', ')})`);
  }
  return { pattern, feed };
}

export type RouteMatcher = (fileName: string) => FeedRoute | undefined;

/**
 * Case-insensitive (agencies' Windows exports write ".CSV" as often as ".csv"); `*` never
 * matches a leading dot, so ".births.csv.part" style upload names are left alone.
 */
export function routeMatcher(routes: readonly FeedRoute[]): RouteMatcher {
  const tests = routes.map((r) => ({ route: r, test: picomatch(r.pattern, { nocase: true, dot: false }) }));
  return (fileName) => {
    if (isChecksumFile(fileName) || fileName.endsWith('.error.txt')) return undefined;
    return tests.find((t) => t.test(fileName))?.route;
  };
}

export function isChecksumFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return CHECKSUM_SUFFIXES.some((s) => lower.endsWith(s));
}
