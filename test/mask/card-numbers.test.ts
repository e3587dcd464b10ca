import { describe, expect, it } from "vitest";
import { isCardNumber, luhnValid, maskValues, MaskContext } from "../../worker/src/mask/index.ts";

describe("card numbers", () => {
  it.each([
    ["Visa", "4242 4242 4242 4242", "XXXX XXXX XXXX 4242"],
    ["Visa with dashes", "4111-1111-1111-1111", "XXXX-XXXX-XXXX-1111"],
    ["Mastercard run together", "5555555555554444", "XXXXXXXXXXXX4444"],
    ["Mastercard 2-series", "2223003122003222", "XXXXXXXXXXXX3222"],
    ["Amex 4-6-5", "3782 822463 10005", "XXXX XXXXXX X0005"],
    ["Discover", "6011111111111117", "XXXXXXXXXXXX1117"],
    ["JCB", "3530111333300000", "XXXXXXXXXXXX0000"],
    ["Diners 14 digits", "30569309025904", "XXXXXXXXXX5904"],
    ["in a sentence", "paid with 4242424242424242.", "paid with XXXXXXXXXXXX4242."],
  ])("masks a %s card, keeping the last four and the length", (_name, input, expected) => {
    const report = new MaskContext();
    expect(maskValues(input, report, "t")).toBe(expected);
    // A context without a commitment key (COMMITMENT_SECRET unset) commits to nothing and says so.
    expect(report.findings).toEqual([
      { rule: "card-number-anywhere", location: "t", count: 1, uncommitted: "no-commitment-key" },
    ]);
  });

  it.each([
    ["a Luhn-invalid run", "4242 4242 4242 4241"],
    ["an epoch-millisecond timestamp", "1763900000000"],
    ["a Luhn-valid timestamp", "1763900000008"],
    ["an order number", "ORD-20260045"],
    ["an application number", "APP-2026-000123"],
    ["a price", "$1,270.08"],
    ["a phone number", "+1 415 555 0100"],
    ["a 20-digit run", "42424242424242424242"],
    ["a 12-digit run", "424242424242"],
  ])("leaves %s alone", (_name, input) => {
    const report = new MaskContext();
    expect(maskValues(input, report, "t")).toBe(input);
    expect(report.total).toBe(0);
  });

  it("checks the Luhn digit", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(isCardNumber("4242424242424242")).toBe(true);
    expect(isCardNumber("1242424242424242")).toBe(false);
  });
});
