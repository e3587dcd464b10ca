import { actionPath, formKey, mergeForms, type DeclaredForm } from "../mask/forms.ts";
import type { MaskContext } from "../mask/index.ts";
import { sniffClass, type Sniffed } from "../mask/sniff.ts";
import { classify } from "../snapshot/content-class.ts";
import { sha256Hex } from "../snapshot/record-hash.ts";
import { serializeDeclaredFields } from "../store/declared-fields.ts";
import type { FormStore } from "../store/form-store.ts";
import { Lru } from "../util/lru.ts";
import { boundedForm, unionForm } from "./form-union.ts";
import { counters } from "../log/health-counters.ts";

/**
 * The forms served pages declared (issue 7), between the masker, which learns them from each HTML page and
 * applies them to posted bodies, and learned_forms in D1, which shares them across isolates.
 *
 * The isolate's cache is updated the moment a page is masked: the visitor may post the form a second
 * later, before D1 has answered. D1 is written only when a page declares something this isolate did not
 * know, so a page served a million times writes its form once (per new field, per isolate at most).
 * Unknown actions are not cached: another isolate may learn the form at any moment, and one D1 read per
 * form post is cheap next to masking a password by its name alone.
 */
type Known = {
  form: DeclaredForm;
  /** Whether D1 holds everything in `form` (false while writing, and after a write failed: retry). */
  stored: boolean;
};

const known = new Lru<string, Known>(1_000);

/** Methods a form posts its fields with (HTML forms POST; script-driven forms may PUT or PATCH). */
const FORM_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"]);
/** Bodies that are a form's fields, by label or by sniffing (the same sniffing the masker does). */
const FORM_BODIES: ReadonlySet<Sniffed> = new Set(["form", "multipart"]);
/** Forms learned from one page at most: a page is not a form registry. */
const MAX_FORMS_PER_PAGE = 50;
/** Conditional writes lost to other isolates before giving up until the next page view. */
const WRITE_ATTEMPTS = 3;

/** Whether a request body is a form's fields, to be masked by what the form declared. */
export function postsForm(method: string, body: Uint8Array, contentType: string | null): boolean {
  return (
    FORM_METHODS.has(method.toUpperCase()) &&
    body.byteLength > 0 &&
    FORM_BODIES.has(sniffClass(body, classify(contentType), false))
  );
}

/**
 * The form a body posted to `url` came from, keyed like the form's action (method and masked path, no
 * query), or null when no page declaring it has been seen. Throws when D1 does.
 */
export async function declaredFormFor(
  method: string,
  url: string,
  ctx: MaskContext,
  store: FormStore,
): Promise<DeclaredForm | null> {
  const key = formKey(method, actionPath(url, ctx));
  const cached = known.get(key);
  if (cached) return cached.form;
  const stored = await store.get(key);
  if (!stored?.form) return null;
  // A page may have taught this isolate the form while D1 answered: keep both.
  const learned = known.get(key);
  const form = learned ? unionForm(learned.form, stored.form) : stored.form;
  known.set(key, { form, stored: learned?.stored ?? true });
  return form;
}

/**
 * Takes in the forms a masked page declared: the cache at once (synchronously, before this returns its
 * promise), then D1 for whatever was new. Never throws; a failed write is retried on a later page view.
 */
export function learnForms(
  forms: readonly DeclaredForm[],
  store: FormStore,
  at: number,
  onError: (error: unknown) => Promise<void>,
): Promise<void> {
  const writes: Promise<void>[] = [];
  for (const page of mergeForms(forms).slice(0, MAX_FORMS_PER_PAGE)) {
    const key = formKey(page.method, page.path);
    const entry = known.get(key);
    const form = entry ? unionForm(entry.form, page) : boundedForm(page);
    if (entry && form === entry.form && entry.stored) continue;
    known.set(key, { form, stored: false });
    writes.push(
      persist(key, form, store, at).then(
        (merged) => settle(key, form, merged),
        (error: unknown) => onError(error),
      ),
    );
  }
  return Promise.all(writes).then(() => undefined);
}

/**
 * Writes the union of `form` and what D1 holds, unless D1 already holds it all. Returns the union (what
 * D1 now holds), or null when other writers kept winning.
 */
async function persist(
  key: string,
  form: DeclaredForm,
  store: FormStore,
  at: number,
): Promise<DeclaredForm | null> {
  let local = form;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const stored = await store.get(key);
    const merged = stored?.form ? unionForm(stored.form, local) : local;
    const fields = serializeDeclaredFields(merged.fields);
    const hash = await sha256Hex(fields);
    if (stored?.hash === hash) return merged;
    if (await store.put(key, merged, fields, hash, stored?.hash ?? null, at)) {
      counters.formsLearned++;
      counters.d1RowsWritten++;
      return merged;
    }
    local = merged;
  }
  return null;
}

/** After a write: the cache learns what other isolates had added, and is marked stored if nothing changed since. */
function settle(key: string, written: DeclaredForm, merged: DeclaredForm | null): void {
  const entry = known.get(key);
  if (!entry) return;
  const form = merged ? unionForm(entry.form, merged) : entry.form;
  // Only the write of the latest version may say it is stored; a newer field's own write will say so.
  known.set(key, { form, stored: merged !== null && entry.form === written });
}

/** Test hook: forget every form this isolate learned, as a fresh isolate would. */
export function forgetLearnedForms(): void {
  known.clear();
}

/**
 * The recorder's lookup for a request body: null unless the body is a form post; a form post to an action
 * no page has declared is counted (health: formsUnseen) and masked by field names and value rules alone.
 */
export async function postedForm(
  request: { method: string; url: string; contentType: string | null },
  body: Uint8Array,
  ctx: MaskContext,
  store: FormStore,
): Promise<DeclaredForm | null> {
  if (!postsForm(request.method, body, request.contentType)) return null;
  const form = await declaredFormFor(request.method, request.url, ctx, store);
  if (form === null) counters.formsUnseen++;
  return form;
}
