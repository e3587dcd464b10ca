import type { MaskContext } from "./context.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { matchesSelector } from "./policy/selector.ts";

/** Elements whose name or id says what they hold; other tags can only be picked by selectors. */
const FIELD_ELEMENTS: ReadonlySet<string> = new Set(["input", "textarea", "select", "option", "button"]);

/**
 * The first rule (in policy order) that selects an element: by input type, autocomplete token, name or id
 * (fields and `<meta name>`), or selector. Most tags (div, td, a, span) are neither fields nor meta and
 * have no autocomplete token: only selector rules can pick them, so they skip the name checks.
 */
export function ruleForElement(
  ctx: MaskContext,
  tag: string,
  attribs: Record<string, string>,
): CompiledRule | null {
  if (!FIELD_ELEMENTS.has(tag) && tag !== "meta" && attribs.autocomplete === undefined) {
    for (const rule of ctx.elementSelectorRules)
      if (matchesSelector(rule.selector, tag, attribs)) return rule;
    return null;
  }
  const isField = FIELD_ELEMENTS.has(tag);
  const type = (attribs.type ?? "").toLowerCase();
  const tokens = (attribs.autocomplete ?? "").toLowerCase().split(/\s+/);
  const candidates: Array<CompiledRule | null> = [
    isField || tag === "meta" ? ctx.fieldRule(attribs.name ?? "", "html") : null,
    isField ? ctx.fieldRule(attribs.id ?? "", "html") : null,
  ];
  for (const rule of ctx.rules) {
    if (isField && rule.inputTypes.has(type)) candidates.push(rule);
    else if (rule.autocomplete.size > 0 && tokens.some((t) => rule.autocomplete.has(t)))
      candidates.push(rule);
    else if (rule.selector && matchesSelector(rule.selector, tag, attribs)) candidates.push(rule);
  }
  let first: CompiledRule | null = null;
  for (const rule of candidates)
    if (rule && (!first || ctx.rules.indexOf(rule) < ctx.rules.indexOf(first))) first = rule;
  return first;
}
