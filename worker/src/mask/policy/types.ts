/**
 * The masking policy as ops write it (a JSON file referenced from wrangler.toml) and as the maskers use it.
 * Every rule names what it selects (`match`) and what happens to the selected value (`action`):
 * - `mask`: same-length replacement of letters and digits (separators kept), optionally keeping the last N;
 * - `redact`: the value is removed, "[REDACTED]" stands in its place;
 * - `hash`: a keyed HMAC token, so support can still search by it; `customer: true` links sessions to it;
 * - `encrypt`: sealed to the policy's public key; only the private key's holder (never the Worker) can read it.
 */
export type Action = "mask" | "redact" | "hash" | "encrypt";

/** Where a field-name rule applies; absent means everywhere a named field occurs. */
export type FieldScope = "form" | "json" | "query" | "html" | "multipart" | "header";

export type RuleMatch = {
  /** Field names (form fields, JSON keys, query parameters, input name/id), compared normalised. */
  field?: string[];
  fieldContains?: string[];
  fieldSuffix?: string[];
  /** Word sequences in a field name, e.g. "security code" (matches `card_security_code`, `securityCode`). */
  fieldWords?: string[];
  /** HTML `autocomplete` tokens and input types. */
  autocomplete?: string[];
  inputType?: string[];
  /** A simple selector: `tag`, `#id`, `.class`, `[attr]`, `[attr=value]`, combined without spaces. */
  selector?: string;
  /** `$.a.b`, `$..key`, `$.items[*].card`, `$.items[0]`. */
  jsonPath?: string;
  /** A regular expression on the URL path and query: the rule only applies to such exchanges. */
  url?: string;
  /** A regular expression on values anywhere (bodies, headers, URLs). */
  value?: string;
  /** A built-in detector: card-number, iban, jwt, bearer, basic-auth, api-key, signed-url, private-key. */
  detector?: string;
  /** A check the value must also pass. */
  validate?: "luhn-card" | "iban";
  /** Header names. */
  header?: string[];
  /** Limits the rule to bodies the client sent ("request") or the site sent ("response"). */
  side?: "request" | "response";
  /** Limits field rules to some kinds of fields. */
  in?: FieldScope[];
};

export type PolicyRule = {
  id: string;
  action: Action;
  match: RuleMatch;
  customer?: boolean;
  keepLast?: number;
  maskChar?: string;
};

export type PolicyFile = {
  /** A label for people; the stored policy version is this label plus a hash of the effective rules. */
  version?: string;
  /** Ids of default rules to switch off (the PCI DSS and credential rules cannot be). */
  disable?: string[];
  rules?: PolicyRule[];
  /** Base64 SPKI of an RSA-OAEP public key (2048 bits or more), required by `encrypt` rules. */
  encryptionPublicKey?: string;
};
