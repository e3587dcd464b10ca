/**
 * Structured JSON logs. Callers pass only values the recorder produced itself (ids, codes, counts, sizes):
 * never a URL, header or body, and never a raw parser error message, because V8's JSON.parse errors quote
 * the input they choked on (which may be a password). `errorKind` keeps only the error's class name.
 */
type Level = "info" | "warn" | "error";

export function log(
  level: Level,
  event: string,
  fields: Record<string, string | number | boolean | null> = {},
): void {
  const line = JSON.stringify({ level, event, ts: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export function errorKind(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}
