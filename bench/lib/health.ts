/** The part of GET /__verbatim/api/health the bench reads (see worker/src/api/health.ts). */
export type IsolateCounters = {
  exchangesRecorded: number;
  exchangesNotRecorded: number;
  bodiesStored: number;
  bodiesDeduplicated: number;
  bodiesTruncated: number;
  d1RowsWritten: number;
  r2Puts: number;
  failures: Record<string, number>;
};

export type Health = { status: string; recording: boolean; isolate: IsolateCounters };

export async function readHealth(base: string): Promise<Health> {
  const response = await fetch(`${base}/__verbatim/api/health`);
  if (!response.ok) throw new Error(`GET ${base}/__verbatim/api/health: ${response.status}`);
  return (await response.json()) as Health;
}

export function failureCount(counters: IsolateCounters): number {
  return Object.values(counters.failures).reduce((sum, n) => sum + n, 0);
}

/** Counters accrued between two health readings. */
export function delta(before: IsolateCounters, after: IsolateCounters): IsolateCounters {
  const failures: Record<string, number> = {};
  for (const [stage, n] of Object.entries(after.failures))
    failures[stage] = n - (before.failures[stage] ?? 0);
  return {
    exchangesRecorded: after.exchangesRecorded - before.exchangesRecorded,
    exchangesNotRecorded: after.exchangesNotRecorded - before.exchangesNotRecorded,
    bodiesStored: after.bodiesStored - before.bodiesStored,
    bodiesDeduplicated: after.bodiesDeduplicated - before.bodiesDeduplicated,
    bodiesTruncated: after.bodiesTruncated - before.bodiesTruncated,
    d1RowsWritten: after.d1RowsWritten - before.d1RowsWritten,
    r2Puts: after.r2Puts - before.r2Puts,
    failures,
  };
}

/**
 * Waits until the recorder's background work (ctx.waitUntil) has settled: `expected` exchanges finished
 * (recorded or not), or no progress for `quietMs`. Returns the counters and how long the drain took.
 */
export async function waitForRecorder(
  base: string,
  start: IsolateCounters,
  expected: number,
  options: { quietMs?: number; timeoutMs?: number } = {},
): Promise<{ counters: IsolateCounters; drainMs: number; settled: boolean }> {
  const quietMs = options.quietMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const began = performance.now();
  let last = -1;
  let lastChange = began;
  for (;;) {
    const counters = (await readHealth(base)).isolate;
    const done =
      counters.exchangesRecorded +
      counters.exchangesNotRecorded -
      start.exchangesRecorded -
      start.exchangesNotRecorded;
    const now = performance.now();
    if (done >= expected) return { counters, drainMs: now - began, settled: true };
    if (done !== last) {
      last = done;
      lastChange = now;
    } else if (now - lastChange >= quietMs || now - began >= timeoutMs) {
      return { counters, drainMs: lastChange - began, settled: false };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
