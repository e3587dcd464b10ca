import { sha256 } from "@noble/hashes/sha2.js";
import { DETECTOR_NAMES, type DetectorName } from "../detectors.ts";
import { DEFAULT_RULES, MANDATORY_RULES } from "./default-policy.ts";
import { parseJsonPath, type JsonPath } from "./json-path.ts";
import { parseSelector, type Selector } from "./selector.ts";
import type { Action, FieldScope, PolicyFile, PolicyRule, RuleMatch } from "./types.ts";

/** A rule ready for the maskers: names normalised, patterns compiled. */
export type CompiledRule = {
  id: string;
  action: Action;
  customer: boolean;
  keepLast: number;
  maskChar: string;
  fields: ReadonlySet<string>;
  fieldContains: readonly string[];
  fieldSuffix: readonly string[];
  /** Word sequences a field name must contain ("security code" in `card_security_code`, `securityCode`). */
  fieldWords: ReadonlyArray<readonly string[]>;
  autocomplete: ReadonlySet<string>;
  inputTypes: ReadonlySet<string>;
  selector: Selector | null;
  jsonPath: JsonPath | null;
  url: RegExp | null;
  value: RegExp | null;
  detector: DetectorName | null;
  validate: "luhn-card" | "iban" | null;
  headers: ReadonlySet<string>;
  scopes: ReadonlySet<FieldScope> | null;
  side: "request" | "response" | null;
};

export type CompiledPolicy = {
  /** Stored with every exchange: the label and a hash of the effective rules. */
  version: string;
  rules: readonly CompiledRule[];
  encryptionPublicKey: string | null;
};

export type PolicyResult = { ok: true; policy: CompiledPolicy } | { ok: false; errors: string[] };

const ACTIONS: readonly Action[] = ["mask", "redact", "hash", "encrypt"];
const SCOPES: readonly FieldScope[] = ["form", "json", "query", "html", "multipart", "header"];
const MATCH_KEYS = [
  "field",
  "fieldContains",
  "fieldSuffix",
  "fieldWords",
  "autocomplete",
  "inputType",
  "selector",
  "jsonPath",
  "url",
  "value",
  "detector",
  "validate",
  "header",
  "in",
  "side",
] as const;
const RULE_KEYS = ["id", "action", "match", "customer", "keepLast", "maskChar"];
const FILE_KEYS = ["version", "disable", "rules", "encryptionPublicKey", "$schema", "description"];

export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * The words of a field name, lower-cased: `cardSecurityCode`, `card_security_code`, `CARD-SECURITY-CODE`
 * and `CVVCode` read as words; digits stay with their word (`cvv2`).
 */
export function fieldWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
}

/** Validates a policy file and merges it over the defaults. Every problem is reported, each naming its rule. */
export function compilePolicy(input: unknown): PolicyResult {
  const errors: string[] = [];
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, errors: ["the policy must be a JSON object"] };
  const file = input as PolicyFile & Record<string, unknown>;
  for (const key of Object.keys(file))
    if (!FILE_KEYS.includes(key))
      errors.push(`unknown top-level key "${key}" (allowed: ${FILE_KEYS.join(", ")})`);
  if (
    file.version !== undefined &&
    (typeof file.version !== "string" || !/^[\w.-]{1,64}$/.test(file.version))
  ) {
    errors.push(`"version" must be a short label of letters, digits, dot, dash or underscore`);
  }
  const disabled = new Set<string>();
  if (file.disable !== undefined) {
    if (!Array.isArray(file.disable)) errors.push(`"disable" must be a list of default rule ids`);
    else
      for (const id of file.disable) {
        if (typeof id !== "string" || !DEFAULT_RULES.some((r) => r.id === id))
          errors.push(`disable: "${String(id)}" is not a default rule`);
        else if (MANDATORY_RULES.has(id))
          errors.push(`disable: rule "${id}" cannot be disabled (PCI DSS / credentials)`);
        else disabled.add(id);
      }
  }
  const custom = file.rules ?? [];
  if (!Array.isArray(custom)) errors.push(`"rules" must be a list`);
  const key = file.encryptionPublicKey;
  if (
    key !== undefined &&
    (typeof key !== "string" || !/^[A-Za-z0-9+/]{200,}={0,2}$/.test(key.replace(/\s/g, "")))
  ) {
    errors.push(`"encryptionPublicKey" must be a base64 SPKI RSA public key (see npm run policy -- keygen)`);
  }

  const rules: CompiledRule[] = [];
  const seen = new Set<string>();
  const all = [...(Array.isArray(custom) ? custom : []), ...DEFAULT_RULES.filter((r) => !disabled.has(r.id))];
  all.forEach((rule: unknown, index) => {
    const compiled = compileRule(rule, index, typeof key === "string", errors);
    if (!compiled) return;
    if (seen.has(compiled.id))
      errors.push(`rule "${compiled.id}": id is used twice (default rule ids are taken)`);
    seen.add(compiled.id);
    rules.push(compiled);
  });
  if (errors.length > 0) return { ok: false, errors };

  const effective = JSON.stringify({ rules: all, key: key ?? null });
  const hex = Array.from(sha256(new TextEncoder().encode(effective)).subarray(0, 8), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
  return {
    ok: true,
    policy: {
      version: `${file.version ?? "default"}-${hex}`,
      rules,
      encryptionPublicKey: typeof key === "string" ? key.replace(/\s/g, "") : null,
    },
  };
}

function compileRule(input: unknown, index: number, hasKey: boolean, errors: string[]): CompiledRule | null {
  const where = (id: string) => `rule "${id}"`;
  if (typeof input !== "object" || input === null) {
    errors.push(`rule #${index + 1}: must be an object`);
    return null;
  }
  const rule = input as PolicyRule & Record<string, unknown>;
  const id = typeof rule.id === "string" && /^[\w.-]{1,64}$/.test(rule.id) ? rule.id : null;
  if (!id) {
    errors.push(`rule #${index + 1}: "id" must be a short name of letters, digits, dot, dash or underscore`);
    return null;
  }
  const before = errors.length;
  for (const k of Object.keys(rule))
    if (!RULE_KEYS.includes(k)) errors.push(`${where(id)}: unknown key "${k}"`);
  if (!ACTIONS.includes(rule.action))
    errors.push(`${where(id)}: "action" must be one of ${ACTIONS.join(", ")}`);
  const match = (typeof rule.match === "object" && rule.match !== null ? rule.match : {}) as RuleMatch &
    Record<string, unknown>;
  const keys = Object.keys(match);
  if (keys.length === 0)
    errors.push(`${where(id)}: "match" must select something (${MATCH_KEYS.join(", ")})`);
  for (const k of keys)
    if (!(MATCH_KEYS as readonly string[]).includes(k)) errors.push(`${where(id)}: unknown match key "${k}"`);
  const strings = (name: keyof RuleMatch): string[] => {
    const value = match[name];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v.length > 0)) {
      errors.push(`${where(id)}: match.${name} must be a list of non-empty strings`);
      return [];
    }
    return value as string[];
  };
  const regex = (name: "url" | "value"): RegExp | null => {
    const value = match[name];
    if (value === undefined) return null;
    try {
      if (typeof value !== "string" || value === "") throw new Error("must be a non-empty string");
      const compiled = new RegExp(value, name === "value" ? "g" : "");
      if (name === "value" && compiled.test("")) throw new Error("matches the empty string");
      return compiled;
    } catch (error) {
      errors.push(
        `${where(id)}: match.${name} is not a usable regular expression: ${error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    }
  };
  let selector: Selector | null = null;
  if (match.selector !== undefined) {
    const parsed = typeof match.selector === "string" ? parseSelector(match.selector) : "must be a string";
    if (typeof parsed === "string") errors.push(`${where(id)}: match.selector ${parsed}`);
    else selector = parsed;
  }
  let jsonPath: JsonPath | null = null;
  if (match.jsonPath !== undefined) {
    const parsed = typeof match.jsonPath === "string" ? parseJsonPath(match.jsonPath) : "must be a string";
    if (typeof parsed === "string") errors.push(`${where(id)}: match.jsonPath ${parsed}`);
    else jsonPath = parsed;
  }
  const validate = match.validate ?? null;
  if (validate !== null && validate !== "luhn-card" && validate !== "iban")
    errors.push(`${where(id)}: match.validate must be "luhn-card" or "iban"`);
  if (validate !== null && match.value === undefined)
    errors.push(`${where(id)}: match.validate needs match.value`);
  const side = match.side ?? null;
  if (side !== null && side !== "request" && side !== "response")
    errors.push(`${where(id)}: match.side must be "request" or "response"`);
  const detector = match.detector ?? null;
  if (detector !== null && !(DETECTOR_NAMES as readonly string[]).includes(detector))
    errors.push(`${where(id)}: match.detector must be one of ${DETECTOR_NAMES.join(", ")}`);
  const scopes = strings("in");
  for (const scope of scopes)
    if (!(SCOPES as readonly string[]).includes(scope))
      errors.push(`${where(id)}: match.in "${scope}" is not one of ${SCOPES.join(", ")}`);
  const url = regex("url");
  const value = regex("value");
  const selectsValues = keys.some((k) => k !== "url" && k !== "in" && k !== "validate");
  if (url && !selectsValues && rule.action !== "redact")
    errors.push(
      `${where(id)}: a rule with only match.url drops whole bodies, so its action must be "redact"`,
    );
  if (
    rule.customer !== undefined &&
    (typeof rule.customer !== "boolean" || (rule.customer && rule.action !== "hash"))
  ) {
    errors.push(`${where(id)}: "customer" is a boolean and only applies to "hash" rules`);
  }
  const keepLast = rule.keepLast ?? 0;
  if (!Number.isInteger(keepLast) || keepLast < 0 || keepLast > 8)
    errors.push(`${where(id)}: "keepLast" must be a whole number from 0 to 8`);
  const maskChar = rule.maskChar ?? "*";
  if (typeof maskChar !== "string" || !/^[\x21-\x7e]$/.test(maskChar) || /[0-9"'<>&\\]/.test(maskChar)) {
    errors.push(
      `${where(id)}: "maskChar" must be one printable ASCII character that is not a digit, quote, <, >, & or backslash`,
    );
  }
  if (rule.action === "encrypt" && !hasKey)
    errors.push(`${where(id)}: "encrypt" needs "encryptionPublicKey" in the policy`);
  if (errors.length > before) return null;

  return {
    id,
    action: rule.action,
    customer: rule.customer === true,
    keepLast,
    maskChar,
    fields: new Set(strings("field").map(normaliseFieldName)),
    fieldContains: strings("fieldContains").map(normaliseFieldName),
    fieldSuffix: strings("fieldSuffix").map(normaliseFieldName),
    fieldWords: strings("fieldWords").map((entry) => fieldWords(entry)),
    autocomplete: new Set(strings("autocomplete").map((t) => t.toLowerCase())),
    inputTypes: new Set(strings("inputType").map((t) => t.toLowerCase())),
    selector,
    jsonPath,
    url,
    value,
    detector: detector as DetectorName | null,
    validate,
    headers: new Set(strings("header").map((h) => h.toLowerCase())),
    scopes: scopes.length > 0 ? new Set(scopes as FieldScope[]) : null,
    side: side === "request" || side === "response" ? side : null,
  };
}
