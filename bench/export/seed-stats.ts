/** What one call of the seeding Worker wrote (bench/export/worker/seed-day.ts); shared with the Node side. */
export type SeedStats = {
  exchanges: number;
  chunks: number;
  /** Bodies this call created in R2 (not there before) and their stored (compressed) bytes. */
  createdBodies: number;
  storedBytes: number;
};

/** One call: `sessions` sessions of `day` from session number `from`, at most `maxExchanges` exchanges. */
export type SeedCall = { day: string; from: number; sessions: number; maxExchanges: number };
