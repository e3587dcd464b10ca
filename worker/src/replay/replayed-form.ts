import type { DeclaredForm } from "../mask/forms.ts";
import { recorderMaskContext } from "../mask/index.ts";
import { declaredFormFor, postsForm } from "../recorder/learned-forms.ts";
import { FormStore } from "../store/form-store.ts";

/**
 * The form a replayed post came from, found as the recorder found it, so the masked body compares with the
 * recorded one. A failed lookup only makes the match inexact (method and URL), so it is not an error here.
 */
export async function replayedForm(
  method: string,
  url: string,
  body: Uint8Array | null,
  contentType: string | null,
  secret: string,
  db: D1Database,
): Promise<DeclaredForm | null> {
  if (body === null || !postsForm(method, body, contentType)) return null;
  try {
    return await declaredFormFor(method, url, recorderMaskContext(secret, url), new FormStore(db));
  } catch {
    return null;
  }
}
