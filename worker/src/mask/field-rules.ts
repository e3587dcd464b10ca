/**
 * Which named fields hold secrets, as data. A field name (form field, JSON key, query parameter, input
 * name/id) is normalised (lower case, separators removed: `new_password`, `newPassword` and `new-password`
 * all become `newpassword`) and matched against these rows; the first row that matches wins.
 *
 * `redact`: the value is never stored in any form (PCI DSS 3.3.1 forbids keeping the card security code
 * and PIN after authorisation; passwords and tokens are credentials).
 * `mask-card`: keep the last four digits, same length (PCI DSS 3.4.1).
 * `hash`: a keyed HMAC token replaces the value; `customer` rules also link the session to that customer.
 */
export type FieldAction = "redact" | "mask-card" | "hash";

export type FieldRule = {
  id: string;
  action: FieldAction;
  exact?: readonly string[];
  contains?: readonly string[];
  suffix?: readonly string[];
  /** The value identifies the customer: its token is indexed so support can find their sessions. */
  customer?: boolean;
};

export const FIELD_RULES: readonly FieldRule[] = [
  {
    id: "card-security-code",
    action: "redact",
    exact: [
      "cvv",
      "cvv2",
      "cvc",
      "cvc2",
      "csc",
      "cid",
      "cccsc",
      "securitycode",
      "cardcode",
      "cardsecuritycode",
      "cardverificationcode",
      "cardcvv",
      "cardcvc",
    ],
  },
  {
    id: "card-expiry",
    action: "redact",
    exact: [
      "exp",
      "expiry",
      "expiration",
      "expdate",
      "expirydate",
      "expirationdate",
      "ccexp",
      "ccexpiry",
      "cardexpiry",
      "cardexpiration",
      "cardexp",
      "expmonth",
      "expyear",
      "expirymonth",
      "expiryyear",
      "ccexpmonth",
      "ccexpyear",
    ],
  },
  {
    id: "card-number",
    action: "mask-card",
    exact: [
      "cardnumber",
      "ccnumber",
      "ccnum",
      "cardnum",
      "cardno",
      "pan",
      "creditcard",
      "creditcardnumber",
      "debitcardnumber",
    ],
  },
  {
    id: "password",
    action: "redact",
    exact: ["pwd", "pass", "pin", "pincode", "otp", "onetimecode", "onetimepassword"],
    contains: ["password", "passwd", "passphrase"],
  },
  {
    id: "secret-token",
    action: "redact",
    exact: [
      "token",
      "secret",
      "apikey",
      "auth",
      "authorization",
      "jwt",
      "bearer",
      "sessionid",
      "sessiontoken",
      "privatekey",
    ],
    suffix: ["token", "secret", "apikey"],
  },
  {
    id: "customer-identifier",
    action: "hash",
    customer: true,
    exact: [
      "username",
      "user",
      "login",
      "email",
      "emailaddress",
      "useremail",
      "customerid",
      "customernumber",
      "accountnumber",
    ],
  },
  {
    id: "national-id",
    action: "redact",
    exact: [
      "ssn",
      "socialsecuritynumber",
      "nino",
      "ninumber",
      "nationalinsurancenumber",
      "nationalid",
      "taxid",
    ],
  },
];

/** Query parameters that carry credentials in URLs (OAuth `code`, magic-link `token`, ...), on top of FIELD_RULES. */
export const QUERY_ONLY_RULE: FieldRule = {
  id: "secret-token",
  action: "redact",
  exact: ["code", "session", "sid", "state", "key", "sig", "signature"],
};

/** HTML `autocomplete` tokens (WHATWG HTML §4.10.18.7.1) that mark a secret, whatever the field's name. */
export const AUTOCOMPLETE_RULES: Readonly<Record<string, string>> = {
  "cc-number": "card-number",
  "cc-csc": "card-security-code",
  "cc-exp": "card-expiry",
  "cc-exp-month": "card-expiry",
  "cc-exp-year": "card-expiry",
  "current-password": "password",
  "new-password": "password",
  "one-time-code": "password",
};

/** Input types whose value is a secret. */
export const INPUT_TYPE_RULES: Readonly<Record<string, string>> = { password: "password" };

export const REDACTED = "[REDACTED]";

export function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function matches(rule: FieldRule, normalised: string): boolean {
  return (
    (rule.exact?.includes(normalised) ?? false) ||
    (rule.contains?.some((part) => normalised.includes(part)) ?? false) ||
    (rule.suffix?.some((end) => normalised.endsWith(end)) ?? false)
  );
}

export function ruleForField(name: string, rules: readonly FieldRule[] = FIELD_RULES): FieldRule | null {
  const normalised = normaliseFieldName(name);
  if (normalised === "") return null;
  return rules.find((rule) => matches(rule, normalised)) ?? null;
}

export function ruleById(id: string): FieldRule | null {
  return FIELD_RULES.find((rule) => rule.id === id) ?? null;
}
