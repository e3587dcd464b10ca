import { describe, expect, it } from "vitest";
import { isLowEntropy } from "../../worker/src/mask/index.ts";
import { uncommittedReason } from "../../worker/src/mask/commitments.ts";

describe("isLowEntropy: which removed values get no commitment", () => {
  it.each([
    // By rule: guessable whatever the value looks like.
    ["a CVV", "card-security-code", "987", true],
    ["a 4-digit CVV", "card-security-code", "1234", true],
    ["a card expiry", "card-expiry", "12/29", true],
    ["a long expiry spelling", "card-expiry", "December 2029", true],
    ["a password, however long", "password", "correct horse battery staple", true],
    ["a policy's own PIN rule", "pin", "12345678901", true],
    // By value: short, or digits under 10.
    ["a 7-character token", "secret-token", "abc1234", true],
    ["9 digits", "national-id", "123456789", true],
    ["an SSN with dashes (9 digits)", "national-id", "123-45-6789", true],
    ["a 6-digit code under another rule", "api-key", "492817", true],
    // Committed.
    ["a card number", "card-number", "4242 4242 4242 4242", false],
    ["an IBAN", "iban", "GB82WEST12345698765432", false],
    ["10 digits", "customer-number", "1234567890", false],
    ["a JWT", "jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcdefghijklmnop", false],
    ["an 8-character token", "secret-token", "abcd1234", false],
  ])("%s", (_name, rule, value, low) => {
    expect(isLowEntropy(rule, value)).toBe(low);
  });
});

describe("uncommittedReason", () => {
  it.each([
    ["no key", null, "card-number", "4242424242424242", "no-commitment-key"],
    ["a key and a card number", "k".repeat(32), "card-number", "4242424242424242", null],
    ["a key and a CVV", "k".repeat(32), "card-security-code", "987", "low-entropy"],
  ])("%s", (_name, key, rule, value, reason) => {
    expect(uncommittedReason(key, rule, value)).toBe(reason);
  });
});
