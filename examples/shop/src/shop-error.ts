/** Status for each error code the shop's JSON API can answer with. */
export const ERROR_CODES = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Thrown by API handlers; `app.onError` turns it into a JSON response. */
export class ShopError extends Error {
  override readonly name = "ShopError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message } },
      { status: ERROR_CODES[this.code] },
    );
  }
}
