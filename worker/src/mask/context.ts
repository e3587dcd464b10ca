import { commitment, uncommittedReason, type UncommittedReason } from "./commitments.ts";
import {
  compilePolicy,
  fieldWords,
  normaliseFieldName,
  type CompiledPolicy,
  type CompiledRule,
} from "./policy/compile-policy.ts";
import type { Selector } from "./policy/selector.ts";
import type { FieldScope } from "./policy/types.ts";
import type { DeclaredForm } from "./forms.ts";

/**
 * One finding of the masking manifest: a rule, where it fired, how often, and commitments to what it removed.
 * `uncommitted` says why some (or all) of the values it removed have none (commitments.ts): `prove` cannot
 * confirm those, and says so.
 */
export type MaskFinding = {
  rule: string;
  location: string;
  count: number;
  commitments?: string[];
  uncommitted?: UncommittedReason;
};

/** Commitments kept per finding: enough to prove any value of a form or page, bounded for huge bodies. */
const MAX_COMMITMENTS = 50;

/**
 * The masking of one exchange: the policy (rules narrowed to those whose URL pattern matches the
 * exchange), the key for hash tokens, the key for commitments, and the manifest being built. Without a hash
 * key, `hash` falls back to redaction (fail closed: an unkeyed hash of a CVV is guessable); without a
 * commitment key no commitments are made. The two keys are never the same secret (config.ts).
 */
export class MaskContext {
  readonly policy: CompiledPolicy;
  /** Keys hash tokens (VERBATIM_SECRET). */
  readonly secret: string | null;
  /** Keys commitments (COMMITMENT_SECRET); null: none are made and findings say `no-commitment-key`. */
  readonly commitmentSecret: string | null;
  /** The exchange's URL: forms on its page resolve their actions against it. */
  readonly url: string | null;
  /** Forms declared by the HTML masked in this context (output). */
  readonly learnedForms: DeclaredForm[] = [];
  /**
   * Which body is being masked. A response's field rules mask only plausible secrets (see
   * plausible-secret.ts); rules limited to one side skip the other. Request by default: the strict side.
   */
  side: "request" | "response" = "request";
  /** The form a request body was posted from, when its page was seen (input). */
  declaredForm: DeclaredForm | null;
  readonly rules: readonly CompiledRule[];
  readonly fieldRules: readonly CompiledRule[];
  readonly valueRules: readonly CompiledRule[];
  readonly selectorRules: readonly CompiledRule[];
  readonly jsonPathRules: readonly CompiledRule[];
  /** Rules with a selector, for elements no other kind of rule can pick. */
  readonly elementSelectorRules: ReadonlyArray<CompiledRule & { selector: Selector }>;
  /** A url-only rule matched this exchange: its bodies are not stored at all. */
  readonly bodyRedaction: CompiledRule | null;
  readonly customerTokens = new Set<string>();
  /** Values waiting to be sealed to the policy's public key (WebCrypto is async; maskers are not). */
  readonly pendingEncryptions = new Map<string, string>();
  readonly #findings = new Map<string, MaskFinding>();
  readonly #fieldRules: FieldRuleCache;

  constructor(
    options: {
      policy?: CompiledPolicy;
      secret?: string | null;
      commitmentSecret?: string | null;
      url?: string | null;
      declaredForm?: DeclaredForm | null;
      side?: "request" | "response";
    } = {},
  ) {
    this.policy = options.policy ?? defaultPolicy();
    this.secret = options.secret ?? null;
    this.commitmentSecret = options.commitmentSecret ?? null;
    this.url = options.url ?? null;
    this.declaredForm = options.declaredForm ?? null;
    this.side = options.side ?? "request";
    const target = pathAndQuery(options.url ?? null);
    this.rules = this.policy.rules.filter(
      (rule) => rule.url === null || (target !== null && rule.url.test(target)),
    );
    const selects = (rule: CompiledRule) =>
      rule.fields.size > 0 ||
      rule.fieldContains.length > 0 ||
      rule.fieldSuffix.length > 0 ||
      rule.fieldWords.length > 0;
    // Exchanges whose URL narrows no rule share one cache per policy: field names repeat across requests.
    this.#fieldRules = this.rules.length === this.policy.rules.length ? sharedCache(this.policy) : new Map();
    this.fieldRules = this.rules.filter(selects);
    this.valueRules = this.rules.filter((rule) => rule.value !== null || rule.detector !== null);
    this.selectorRules = this.rules.filter(
      (rule) => rule.selector !== null || rule.autocomplete.size > 0 || rule.inputTypes.size > 0,
    );
    this.jsonPathRules = this.rules.filter((rule) => rule.jsonPath !== null);
    this.elementSelectorRules = this.rules.filter(
      (rule): rule is CompiledRule & { selector: Selector } => rule.selector !== null,
    );
    this.bodyRedaction =
      this.rules.find(
        (rule) =>
          rule.url !== null &&
          !selects(rule) &&
          rule.value === null &&
          rule.detector === null &&
          rule.selector === null &&
          rule.jsonPath === null &&
          rule.headers.size === 0 &&
          rule.autocomplete.size === 0 &&
          rule.inputTypes.size === 0,
      ) ?? null;
  }

  /**
   * The first rule that selects a field of this name in this kind of field, or null. Structured names are
   * read by their parts: `payment[cc_cid]` and `user.pass` by the last part, `credit_card[number]` also by
   * the last two joined ("credit card number").
   */
  fieldRule(name: string, scope: FieldScope): CompiledRule | null {
    const kind = `${this.side}:${scope}`;
    let byName = this.#fieldRules.get(kind);
    if (!byName) this.#fieldRules.set(kind, (byName = new Map()));
    const cached = byName.get(name);
    if (cached !== undefined) return cached;
    const names = fieldNameReadings(name);
    const rule =
      names.length === 0
        ? null
        : (this.fieldRules.find(
            (candidate) =>
              (candidate.side === null || candidate.side === this.side) &&
              names.some((reading) => selectsReading(candidate, reading, scope)),
          ) ?? null);
    // Bounded: names come from traffic (JSON keys, form fields), so a hostile client could send millions.
    if (byName.size >= MAX_CACHED_NAMES) byName.clear();
    byName.set(name, rule);
    return rule;
  }

  /** A rule by id (detectors name companion rules: an expiry after a card number is a card-expiry). */
  ruleById(id: string): CompiledRule | null {
    return this.rules.find((rule) => rule.id === id) ?? null;
  }

  headerRule(name: string): CompiledRule | null {
    const lower = name.toLowerCase();
    return this.rules.find((rule) => rule.headers.has(lower)) ?? null;
  }

  add(rule: string, location: string, removed: string | null = null): void {
    const key = `${rule}\u0000${location}`;
    let finding = this.#findings.get(key);
    if (!finding) {
      finding = { rule, location, count: 0 };
      this.#findings.set(key, finding);
    }
    finding.count++;
    if (removed === null) return;
    const withheld = uncommittedReason(this.commitmentSecret, rule, removed);
    if (withheld !== null) finding.uncommitted = withheld;
    else if (this.commitmentSecret !== null && (finding.commitments?.length ?? 0) < MAX_COMMITMENTS)
      (finding.commitments ??= []).push(commitment(this.commitmentSecret, removed));
  }

  get findings(): MaskFinding[] {
    return [...this.#findings.values()];
  }

  get total(): number {
    let sum = 0;
    for (const finding of this.#findings.values()) sum += finding.count;
    return sum;
  }
}

function pathAndQuery(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url, "http://relative.invalid");
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/** Field name → rule, per side and kind of field. */
type FieldRuleCache = Map<string, Map<string, CompiledRule | null>>;
const MAX_CACHED_NAMES = 5000;
const sharedCaches = new WeakMap<CompiledPolicy, FieldRuleCache>();

function sharedCache(policy: CompiledPolicy): FieldRuleCache {
  let cache = sharedCaches.get(policy);
  if (!cache) sharedCaches.set(policy, (cache = new Map()));
  return cache;
}

/** One way to read a field name: its normalised form and its words. */
type Reading = { normalised: string; words: readonly string[] };

/** The whole name, its last part, and its last two parts joined, for `a[b][c]`, `a.b.c` and `a:b` names. */
export function fieldNameReadings(name: string): Reading[] {
  // Paths, URLs and media types (`./basic-auth`, `application/vnd.sbm.cid`) are keys of maps, not fields.
  if (name.includes("/")) return [];
  const parts = name.split(/[[\].:]+/).filter((part) => part !== "");
  const texts = new Set([name]);
  const last = parts.at(-1);
  if (parts.length > 1 && last !== undefined) {
    texts.add(last);
    texts.add(`${parts[parts.length - 2] ?? ""}_${last}`);
  }
  const readings: Reading[] = [];
  for (const text of texts) {
    const normalised = normaliseFieldName(text);
    if (normalised !== "") readings.push({ normalised, words: fieldWords(text) });
  }
  return readings;
}

function selectsReading(rule: CompiledRule, reading: Reading, scope: FieldScope): boolean {
  if (selectsField(rule, reading.normalised, scope)) return true;
  if (rule.fieldWords.length === 0 || (rule.scopes !== null && !rule.scopes.has(scope))) return false;
  return rule.fieldWords.some((sequence) => containsSequence(reading.words, sequence));
}

/**
 * Words that, ending a name, make it describe a secret rather than hold one: `secret_name`, `token_type`,
 * `password_policy`, `token_url`.
 */
const ABOUT_WORDS: ReadonlySet<string> = new Set([
  "name",
  "type",
  "label",
  "hint",
  "url",
  "uri",
  "endpoint",
  "policy",
  "length",
  "format",
  "description",
  "placeholder",
  "title",
  "field",
  "header",
  "param",
  "prefix",
  "scheme",
  "strength",
  "rules",
  "required",
]);

function containsSequence(words: readonly string[], sequence: readonly string[]): boolean {
  const last = words.at(-1) ?? "";
  outer: for (let i = 0; i + sequence.length <= words.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (words[i + j] !== sequence[j]) continue outer;
    // The sequence itself may end the name ("session id"); a describing word after it does not hold one.
    return i + sequence.length === words.length || !ABOUT_WORDS.has(last);
  }
  return false;
}

/** Whether a rule selects a field, given its normalised name. */
export function selectsField(rule: CompiledRule, normalised: string, scope: FieldScope): boolean {
  if (normalised === "" || (rule.scopes !== null && !rule.scopes.has(scope))) return false;
  return (
    rule.fields.has(normalised) ||
    rule.fieldContains.some((part) => normalised.includes(part)) ||
    rule.fieldSuffix.some((end) => normalised.endsWith(end))
  );
}

let defaults: CompiledPolicy | null = null;

/** The default rules alone: what a context uses when no policy is given (unit tests, tools). */
export function defaultPolicy(): CompiledPolicy {
  if (defaults === null) {
    const result = compilePolicy({});
    if (!result.ok) throw new Error(`default policy is invalid: ${result.errors.join("; ")}`);
    defaults = result.policy;
  }
  return defaults;
}
