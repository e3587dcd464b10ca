import { afterEach, beforeEach } from "vitest";
import { consoleSink, setLogSink, type LogRecord } from "../../worker/src/log/log.ts";

/**
 * Tests that break things on purpose (an R2 outage, an unreachable origin, a wrong console token) make the
 * recorder log, which is right, but a test run full of error lines reads like a failing one. A test names the
 * events it causes with `expectLogs`; those are held back (and readable with `loggedEvents`), and every other
 * log line still reaches the console, so an unexpected error stays visible.
 */
const expected = new Set<string>();
const held: LogRecord[] = [];

export function expectLogs(...events: string[]): void {
  for (const event of events) expected.add(event);
}

/** The held-back records of one event in the current test. */
export function loggedEvents(event: string): LogRecord[] {
  return held.filter((record) => record.event === event);
}

/** Installed once per test file by test/setup/quiet-logs.ts. */
export function holdBackExpectedLogs(): void {
  setLogSink((record) => {
    if (expected.has(record.event)) held.push(record);
    else consoleSink(record);
  });
  beforeEach(() => {
    expected.clear();
    held.length = 0;
  });
  afterEach(() => {
    expected.clear();
  });
}
