// The vocabulary shared by every comparison: a level is a small integer index into the
// comparison's ordered level names (0 = strongest agreement, last = "else"), and a missing
// value on either side is MISSING, which carries no evidence (weight 0) and is skipped by EM.
// Comparison vectors are packed in Int8Array rows so a batch of pairs is one allocation.

export const MISSING = -1;

/** An ordered list of level names, strongest agreement first. */
export type LevelNames = readonly string[];
