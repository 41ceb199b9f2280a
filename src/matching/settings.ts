// The configured matching settings (MATCH_* variables, src/config.ts) in the shape the link job uses.
import type { Config } from '../config.js';
import type { MatchSettings } from './link-run.js';

export function matchSettings(cfg: Config): MatchSettings {
  return {
    thresholds: Object.freeze({ link: cfg.matchLinkThreshold, review: cfg.matchReviewThreshold, minMargin: cfg.matchMinMarginBits }),
    blockCap: cfg.matchBlockCap,
    tfRefreshShare: cfg.matchTfRefreshShare,
    chunkRecords: cfg.matchChunkRecords,
  };
}
