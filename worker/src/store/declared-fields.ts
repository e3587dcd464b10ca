import { DECLARED_ATTRIBUTES, type DeclaredField } from "../mask/forms.ts";

/**
 * The `fields` column of learned_forms: a JSON array of DeclaredField. It is read back from storage that
 * another version of the Worker (or a person with the D1 console) may have written, and what it says
 * decides how posted passwords are masked, so it is checked field by field rather than trusted with a cast.
 */
const ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(DECLARED_ATTRIBUTES);

/** Fields in a stable order (name, type, tag; attributes by name), so equal declarations serialise alike. */
export function serializeDeclaredFields(fields: readonly DeclaredField[]): string {
  const sorted = [...fields].sort(
    (a, b) => compare(a.name, b.name) || compare(a.type, b.type) || compare(a.tag, b.tag),
  );
  return JSON.stringify(
    sorted.map((field) => ({
      name: field.name,
      type: field.type,
      tag: field.tag,
      attribs: Object.fromEntries(Object.entries(field.attribs).sort(([a], [b]) => compare(a, b))),
      login: field.login,
    })),
  );
}

/** The stored fields, or null when the text is not JSON or not an array of well-formed fields. */
export function parseDeclaredFields(text: string): DeclaredField[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const fields: DeclaredField[] = [];
  for (const item of value as unknown[]) {
    const field = declaredField(item);
    if (field === null) return null;
    fields.push(field);
  }
  return fields;
}

function declaredField(item: unknown): DeclaredField | null {
  if (typeof item !== "object" || item === null) return null;
  const { name, type, tag, attribs, login } = item as Record<string, unknown>;
  if (typeof name !== "string" || typeof type !== "string" || typeof tag !== "string") return null;
  if (typeof login !== "boolean" || typeof attribs !== "object" || attribs === null) return null;
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(attribs)) {
    if (!ATTRIBUTE_NAMES.has(key) || typeof value !== "string") return null;
    kept[key] = value;
  }
  return { name, type, tag, attribs: kept, login };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
