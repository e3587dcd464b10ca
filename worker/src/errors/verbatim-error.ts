/**
 * One error type for everything the recorder's own API answers with. The code table fixes the HTTP status,
 * so a handler throws `new VerbatimError("bad_query", "...")` and `app.onError` turns it into a response.
 */
export const ERROR_CODES = {
  bad_query: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  rate_limited: 429,
  admin_disabled: 503,
  storage_unavailable: 503,
  not_configured: 503,
  origin_unreachable: 502,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class VerbatimError extends Error {
  override readonly name = "VerbatimError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toResponse(): Response {
    return Response.json({ error: { code: this.code, message: this.message } }, { status: this.status });
  }
}
