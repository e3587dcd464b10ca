import { MaskContext } from "./context.ts";
import { decodedText } from "./decoders.ts";
import { maskValues } from "./value-rules.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { ruleForElement } from "./element-rules.ts";

/**
 * What a served page declared about its forms, learned while masking it, so that the bodies later posted
 * to each form's action are masked by what the site itself said: `<input type=password name=p>` makes `p`
 * a password whatever its name. A form is keyed by method and masked action path.
 */
export type DeclaredField = {
  name: string;
  /** Lower-cased input type ("password", "text", "hidden", …); "" for select, textarea, button. */
  type: string;
  /** The element's tag, id, class, autocomplete and data-verbatim-mask: what element rules look at. */
  tag: string;
  attribs: Record<string, string>;
  /** A text-like input in a form that also has a password field: the login identifier. */
  login: boolean;
};

export type DeclaredForm = {
  method: string;
  /** Path of the action URL (resolved against the page), masked; the query is not part of the key. */
  path: string;
  fields: DeclaredField[];
};

/** Attributes kept for element rules (selectors, autocomplete, type); values never. */
export const DECLARED_ATTRIBUTES = [
  "type",
  "id",
  "class",
  "autocomplete",
  "data-verbatim-mask",
  "inputmode",
] as const;

/** Input types a person types an identifier into; in a form with a password field, that is the login. */
const IDENTIFIER_TYPES: ReadonlySet<string> = new Set(["", "text", "email", "tel"]);

/** Marks the login identifier of a form once all its fields are known. */
export function markLogin(fields: DeclaredField[]): void {
  if (!fields.some((field) => field.type === "password")) return;
  for (const field of fields)
    if (field.tag === "input" && IDENTIFIER_TYPES.has(field.type)) field.login = true;
}

export function formKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * The rule for a posted field, from what the form declared: the element's own rules (type, autocomplete,
 * name, id, selectors), else, in a form that has a password field, the customer-identifier rule for the
 * text field beside it (the login), so support can find the customer by what they typed.
 */
export function declaredFieldRule(ctx: MaskContext, form: DeclaredForm, name: string): CompiledRule | null {
  let rule: CompiledRule | null = null;
  let identifier = false;
  for (const field of form.fields) {
    if (field.name !== name) continue;
    const own = ruleForElement(ctx, field.tag, { ...field.attribs, name: field.name });
    if (own && (!rule || ctx.rules.indexOf(own) < ctx.rules.indexOf(rule))) rule = own;
    if (field.login) identifier = true;
  }
  if (rule) return rule;
  return identifier ? ctx.ruleById("customer-identifier") : null;
}

/** Merges forms that post to the same action (a site's login box on every page): fields are unioned. */
export function mergeForms(forms: readonly DeclaredForm[]): DeclaredForm[] {
  const byKey = new Map<string, DeclaredForm>();
  for (const form of forms) {
    const key = formKey(form.method, form.path);
    const known = byKey.get(key);
    if (!known) byKey.set(key, { ...form, fields: [...form.fields] });
    else
      for (const field of form.fields)
        if (!known.fields.some((f) => f.name === field.name && f.type === field.type && f.tag === field.tag))
          known.fields.push(field);
  }
  return [...byKey.values()];
}

/**
 * The key path of a form's action: resolved against the page (an empty action posts to the page itself),
 * without the query, masked by the value rules (a card number in a path never becomes a key).
 */
export function actionPath(action: string, ctx: MaskContext): string {
  const page = ctx.url ?? "http://page.invalid/";
  let path = "/";
  try {
    const decoded = decodedText(action, 0, action.length, "html", true).trim();
    path = new URL(decoded === "" ? page : decoded, page).pathname;
  } catch {
    // An action the browser could not resolve either: the form posts nowhere useful.
  }
  return maskValues(path, new MaskContext({ policy: ctx.policy, secret: ctx.secret }), "form-action");
}
