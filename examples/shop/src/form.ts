/** What Hono's parseBody() yields for both urlencoded and multipart bodies, read defensively. */
export type FormBody = Readonly<Record<string, unknown>>;

/** A text field, trimmed; missing, repeated or file-valued fields read as "". */
export function textField(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === "string" ? value.trim() : "";
}

/** A file field; browsers send an empty, unnamed part when no file was chosen, which counts as none. */
export function fileField(body: FormBody, name: string): File | undefined {
  const value = body[name];
  return value instanceof File && value.name !== "" ? value : undefined;
}
