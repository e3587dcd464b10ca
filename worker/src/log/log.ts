/**
 * Structured JSON logs. Callers pass only values the recorder produced itself (ids, codes, counts, sizes):
 * never a URL, header or body, and never a raw parser error message, because V8's JSON.parse errors quote
 * the input they choked on (which may be a password). `errorKind` keeps only the error's class name.
 */
export type Level = "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null>;
export type LogRecord = { level: Level; event: string; ts: string } & LogFields;
/** Where log records go. The runtime's console in production; tests swap it to hold back expected events. */
export type LogSink = (record: LogRecord) => void;

export const consoleSink: LogSink = (record) => {
  const line = JSON.stringify(record);
  if (record.level === "error") console.error(line);
  else if (record.level === "warn") console.warn(line);
  else console.log(line);
};

let sink: LogSink = consoleSink;

/** Replaces the sink; returns the one it replaced so a test can put it back. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function log(level: Level, event: string, fields: LogFields = {}): void {
  sink({ level, event, ts: new Date().toISOString(), ...fields });
}

export function errorKind(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}
