import type { PolicyRule } from "./types.ts";

/**
 * The policy that applies with zero configuration. Field names are normalised before matching (lower case,
 * separators removed), so `new_password`, `newPassword` and `new-password` are all `newpassword`.
 * Order matters: the first matching rule wins.
 */
export const DEFAULT_RULES: readonly PolicyRule[] = [
  {
    // PCI DSS 3.3.1: sensitive authentication data is never stored after authorisation, in any form.
    id: "card-security-code",
    action: "redact",
    match: {
      field: [
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
      autocomplete: ["cc-csc"],
    },
  },
  {
    id: "card-expiry",
    action: "redact",
    match: {
      field: [
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
      autocomplete: ["cc-exp", "cc-exp-month", "cc-exp-year"],
    },
  },
  {
    // PCI DSS 3.4.1: a stored PAN is unreadable; the last four digits may be shown.
    id: "card-number",
    action: "mask",
    keepLast: 4,
    maskChar: "X",
    match: {
      field: [
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
      autocomplete: ["cc-number"],
    },
  },
  {
    id: "password",
    action: "redact",
    match: {
      field: ["pwd", "pass", "pin", "pincode", "otp", "onetimecode", "onetimepassword"],
      fieldContains: ["password", "passwd", "passphrase"],
      autocomplete: ["current-password", "new-password", "one-time-code"],
      inputType: ["password"],
    },
  },
  {
    id: "secret-token",
    action: "redact",
    match: {
      field: [
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
      fieldSuffix: ["token", "secret", "apikey"],
    },
  },
  {
    // Credentials that travel in URLs: OAuth codes and state, magic-link and signed-URL parameters.
    id: "url-credential",
    action: "redact",
    match: { field: ["code", "session", "sid", "state", "key", "sig", "signature"], in: ["query"] },
  },
  {
    id: "customer-identifier",
    action: "hash",
    customer: true,
    match: {
      field: [
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
  },
  {
    // US SSN, UK National Insurance number: masked where a field says what they are.
    id: "national-id",
    action: "redact",
    match: {
      field: [
        "ssn",
        "socialsecuritynumber",
        "nino",
        "ninumber",
        "nationalinsurancenumber",
        "nationalid",
        "taxid",
      ],
    },
  },
  {
    id: "secret-header",
    action: "redact",
    match: {
      header: [
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-xsrf-token",
        "x-amz-security-token",
        "cf-access-jwt-assertion",
        "cf-access-client-secret",
      ],
    },
  },
  { id: "marked-element", action: "mask", match: { selector: "[data-verbatim-mask]" } },
  {
    id: "card-number-anywhere",
    action: "mask",
    keepLast: 4,
    maskChar: "X",
    match: { value: "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", validate: "luhn-card" },
  },
  {
    id: "iban",
    action: "mask",
    keepLast: 4,
    maskChar: "X",
    match: { value: "\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\\b", validate: "iban" },
  },
  {
    // Three base64url segments, the first two JSON objects ("eyJ" is base64 for '{"').
    id: "jwt",
    action: "redact",
    match: { value: "\\beyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{8,}" },
  },
  { id: "bearer-token", action: "redact", match: { value: "(?<=\\bBearer\\s)[A-Za-z0-9._~+/-]{8,}=*" } },
];

/** Rules that keep the recorder PCI DSS and credential-safe: a policy cannot switch them off. */
export const MANDATORY_RULES: ReadonlySet<string> = new Set([
  "card-security-code",
  "card-expiry",
  "card-number",
  "card-number-anywhere",
  "password",
  "secret-token",
  "secret-header",
]);
