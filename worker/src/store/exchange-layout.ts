/**
 * Per-request trace headers go last in a stored request header list. Records before the compact index
 * (migrations/0004) stored the shared part once and these apart, and the `exchanges` view concatenates the
 * two: keeping the order keeps every record's request_headers (and so its record_hash) in one canonical form.
 */
export const PER_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  "cf-ray",
  "x-request-id",
  "x-amzn-trace-id",
  "traceparent",
  "tracestate",
]);

/** Shared headers first, per-request ones last (see above). */
export function orderRequestHeaders(headers: Array<[string, string]>): Array<[string, string]> {
  const shared = headers.filter(([name]) => !PER_REQUEST_HEADERS.has(name));
  const perRequest = headers.filter(([name]) => PER_REQUEST_HEADERS.has(name));
  return [...shared, ...perRequest];
}
