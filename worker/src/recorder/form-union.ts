import type { DeclaredField, DeclaredForm } from "../mask/forms.ts";

/**
 * What is known of one form action is the union of what every page declared for it: a site's login box
 * on every page, and its full login page, post to the same action. A union only ever adds masking (a field
 * keeps every type it was declared with, and is the login if any page said so), so a page cannot unlearn
 * a password field. Bounded, because field names can be generated (`qty[<item id>]` on a cart).
 */
export const MAX_FIELDS_PER_FORM = 100;
/** Longer names are not a form field anyone types a secret into; the value rules still see them. */
const MAX_NAME_LENGTH = 256;
/** Long class lists are cut; selectors on their first classes still match. */
const MAX_ATTRIBUTE_LENGTH = 1024;

const sameField = (a: DeclaredField, b: DeclaredField) =>
  a.name === b.name && a.type === b.type && a.tag === b.tag;

/**
 * `known` with what `more` adds. Returns `known` itself when `more` adds nothing, so a page served a million
 * times costs a comparison, not a write.
 */
export function unionForm(known: DeclaredForm, more: DeclaredForm): DeclaredForm {
  let fields: DeclaredField[] | null = null;
  for (const field of more.fields) {
    if (!fits(field)) continue;
    const current = fields ?? known.fields;
    const index = current.findIndex((f) => sameField(f, field));
    const existing = index >= 0 ? current[index] : undefined;
    if (existing !== undefined) {
      if (existing.login || !field.login) continue;
      fields ??= [...known.fields];
      fields[index] = { ...existing, login: true };
    } else if (current.length < MAX_FIELDS_PER_FORM) {
      fields ??= [...known.fields];
      fields.push(bounded(field));
    }
  }
  return fields === null ? known : { ...known, fields };
}

/** A form as first learned: within the bounds, duplicates folded. */
export function boundedForm(form: DeclaredForm): DeclaredForm {
  return unionForm({ method: form.method, path: form.path, fields: [] }, form);
}

function fits(field: DeclaredField): boolean {
  return field.name !== "" && field.name.length <= MAX_NAME_LENGTH;
}

function bounded(field: DeclaredField): DeclaredField {
  const attribs: Record<string, string> = {};
  for (const [name, value] of Object.entries(field.attribs))
    attribs[name] = value.slice(0, MAX_ATTRIBUTE_LENGTH);
  return { ...field, attribs };
}
