import { describe, expect, it } from "vitest";
import {
  compilePolicy,
  maskBody,
  MaskContext,
  maskHeaders,
  maskUrl,
  type CompiledPolicy,
} from "../../worker/src/mask/index.ts";
import { parseJsonPath, matchesJsonPath } from "../../worker/src/mask/policy/json-path.ts";
import { matchesSelector, parseSelector } from "../../worker/src/mask/policy/selector.ts";

const enc = (text: string) => new TextEncoder().encode(text);
/** The commitment key, apart from the hash key ("s"…) as COMMITMENT_SECRET is apart from VERBATIM_SECRET. */
const KEY = "c".repeat(32);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function policy(file: unknown): CompiledPolicy {
  const result = compilePolicy(file);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.policy;
}

function mask(
  body: string,
  contentType: string,
  file: unknown = {},
  url = "https://s.example/page",
): { text: string; ctx: MaskContext } {
  const ctx = new MaskContext({ policy: policy(file), secret: "s".repeat(32), commitmentSecret: KEY, url });
  return { text: dec(maskBody(enc(body), contentType, ctx)), ctx };
}

describe("policy files", () => {
  it.each([
    ["not an object", [], "must be a JSON object"],
    ["an unknown top-level key", { rulez: [] }, 'unknown top-level key "rulez"'],
    ["a rule without an id", { rules: [{ action: "redact", match: { field: ["x"] } }] }, "rule #1"],
    [
      "an unknown action",
      { rules: [{ id: "r1", action: "shred", match: { field: ["x"] } }] },
      'rule "r1": "action" must be one of',
    ],
    [
      "an empty match",
      { rules: [{ id: "r2", action: "redact", match: {} }] },
      'rule "r2": "match" must select something',
    ],
    [
      "a bad regular expression",
      { rules: [{ id: "r3", action: "mask", match: { value: "([a-z" } }] },
      'rule "r3": match.value is not a usable regular expression',
    ],
    [
      "a pattern that matches nothing at all",
      { rules: [{ id: "r4", action: "mask", match: { value: "x*" } }] },
      'rule "r4": match.value',
    ],
    [
      "a descendant selector",
      { rules: [{ id: "r5", action: "mask", match: { selector: "form input" } }] },
      'rule "r5": match.selector uses a combinator',
    ],
    [
      "a bad JSONPath",
      { rules: [{ id: "r6", action: "mask", match: { jsonPath: "a.b" } }] },
      'rule "r6": match.jsonPath must start with "$"',
    ],
    [
      "encrypt without a key",
      { rules: [{ id: "r7", action: "encrypt", match: { field: ["x"] } }] },
      'rule "r7": "encrypt" needs "encryptionPublicKey"',
    ],
    [
      "a url-only rule that is not redact",
      { rules: [{ id: "r8", action: "mask", match: { url: "^/x" } }] },
      'rule "r8": a rule with only match.url',
    ],
    [
      "a duplicate id",
      { rules: [{ id: "password", action: "redact", match: { field: ["x"] } }] },
      'rule "password": id is used twice',
    ],
    [
      "disabling a PCI rule",
      { disable: ["card-security-code"] },
      'rule "card-security-code" cannot be disabled',
    ],
    ["disabling an unknown rule", { disable: ["nope"] }, 'disable: "nope" is not a default rule'],
    [
      "a digit as mask character",
      { rules: [{ id: "r9", action: "mask", maskChar: "0", match: { field: ["x"] } }] },
      'rule "r9": "maskChar"',
    ],
    [
      "customer on a non-hash rule",
      { rules: [{ id: "r10", action: "redact", customer: true, match: { field: ["x"] } }] },
      'rule "r10": "customer"',
    ],
  ])("rejects %s with a message naming the problem", (_name, file, message) => {
    const result = compilePolicy(file);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toContain(message);
  });

  it("accepts the empty policy (defaults only) and versions policies by content", () => {
    const a = policy({});
    const b = policy({ version: "v2", rules: [{ id: "dob", action: "redact", match: { field: ["dob"] } }] });
    expect(a.version).toMatch(/^default-[0-9a-f]{16}$/);
    expect(b.version).toMatch(/^v2-[0-9a-f]{16}$/);
    expect(policy({}).version).toBe(a.version);
  });

  it("lets a policy switch off an optional default rule", () => {
    const { text } = mask("username=alice", "application/x-www-form-urlencoded", {
      disable: ["customer-identifier"],
    });
    expect(text).toBe("username=alice");
  });
});

describe("policy rules", () => {
  it.each([
    [
      "a custom field name",
      "dob=1990-01-01&x=1",
      "application/x-www-form-urlencoded",
      { rules: [{ id: "dob", action: "redact", match: { field: ["dob"] } }] },
      "dob=%5BREDACTED%5D&x=1",
    ],
    [
      "a JSONPath",
      '{"account":{"balance":"12500.00","currency":"USD"}}',
      "application/json",
      { rules: [{ id: "bal", action: "mask", match: { jsonPath: "$.account.balance" } }] },
      '{"account":{"balance":"*****.**","currency":"USD"}}',
    ],
    [
      "a recursive JSONPath",
      '{"a":[{"pin":"1"},{"x":{"memberNo":"M123"}}]}',
      "application/json",
      { rules: [{ id: "m", action: "redact", match: { jsonPath: "$..memberNo" } }] },
      '{"a":[{"pin":"[REDACTED]"},{"x":{"memberNo":"[REDACTED]"}}]}',
    ],
    [
      "a JSONPath with an index wildcard",
      '{"items":[{"ref":"A1"},{"ref":"B2"}]}',
      "application/json",
      { rules: [{ id: "ref", action: "mask", match: { jsonPath: "$.items[*].ref" } }] },
      '{"items":[{"ref":"**"},{"ref":"**"}]}',
    ],
    [
      "a selector",
      '<td class="acct num">12345678</td><td>other</td>',
      "text/html",
      { rules: [{ id: "acct", action: "mask", keepLast: 2, match: { selector: "td.acct" } }] },
      '<td class="acct num">******78</td><td>other</td>',
    ],
    [
      "the data-verbatim-mask marker",
      "<p>Hi <span data-verbatim-mask>Alice Smith</span>!</p>",
      "text/html",
      {},
      "<p>Hi <span data-verbatim-mask>***** *****</span>!</p>",
    ],
    [
      "a value pattern",
      "<p>Employee EMP-123456 signed</p>",
      "text/html",
      { rules: [{ id: "emp", action: "redact", match: { value: "EMP-[0-9]{6}" } }] },
      "<p>Employee [REDACTED] signed</p>",
    ],
  ])("masks by %s", (_name, input, type, file, expected) => {
    expect(mask(input, type, file).text).toBe(expected);
  });

  it("applies URL-scoped rules only to matching exchanges", () => {
    const file = {
      rules: [{ id: "partner", action: "redact", match: { url: "^/partner/", field: ["ref"] } }],
    };
    expect(
      mask("ref=abc", "application/x-www-form-urlencoded", file, "https://s.example/partner/x").text,
    ).toBe("ref=%5BREDACTED%5D");
    expect(mask("ref=abc", "application/x-www-form-urlencoded", file, "https://s.example/other").text).toBe(
      "ref=abc",
    );
  });

  it("stores no body at all for URLs a url-only rule redacts", () => {
    const file = { rules: [{ id: "statements", action: "redact", match: { url: "^/statements/" } }] };
    const ctx = new MaskContext({ policy: policy(file), url: "https://s.example/statements/2026-10.pdf" });
    expect(() => maskBody(enc("anything"), "text/plain", ctx)).toThrow("redacted_by_policy:statements");
  });

  it("masks headers named by a header rule", () => {
    const ctx = new MaskContext({
      policy: policy({ rules: [{ id: "tenant", action: "hash", match: { header: ["x-tenant-id"] } }] }),
      secret: "k".repeat(32),
    });
    const masked = Object.fromEntries(
      maskHeaders(new Headers({ "x-tenant-id": "acme", accept: "*/*" }), ctx, "request"),
    );
    expect(masked["x-tenant-id"]).toMatch(/^\[hash:[0-9a-f]{32}\]$/);
    expect(masked.accept).toBe("*/*");
  });
});

describe("default value rules", () => {
  it.each([
    ["an IBAN", "<p>IBAN GB82 WEST 1234 5698 7654 32</p>", "<p>IBAN XXXX XXXX XXXX XXXX XX54 32</p>"],
    ["a compact IBAN", '{"note":"DE89370400440532013000"}', '{"note":"XXXXXXXXXXXXXXXXXX3000"}'],
    [
      "a JWT",
      '<div data-t="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abcdefghijklmnop">x</div>',
      '<div data-t="[REDACTED]">x</div>',
    ],
    [
      "a bearer token in text",
      "<pre>curl -H 'Authorization: Bearer abcdef123456'</pre>",
      "<pre>curl -H 'Authorization: Bearer [REDACTED]'</pre>",
    ],
  ])("masks %s anywhere", (_name, input, expected) => {
    expect(mask(input, input.startsWith("{") ? "application/json" : "text/html").text).toBe(expected);
  });

  it.each([
    ["a checksum-invalid IBAN", "<p>GB82 WEST 1234 5698 7654 33</p>"],
    ["an order number", "<p>ORD-20260045 and APP-2026-000123</p>"],
    ["a word starting eyJ", "<p>eyJust kidding</p>"],
  ])("leaves %s alone", (_name, input) => {
    expect(mask(input, "text/html").text).toBe(input);
  });
});

describe("masking manifest", () => {
  it("records where each rule fired, commits to a card number and withholds guessable values", async () => {
    const { ctx } = mask(
      "cardNumber=4242+4242+4242+4242&cvv=123&expiry=12%2F29",
      "application/x-www-form-urlencoded",
    );
    const findings = ctx.findings;
    expect(findings.map((f) => `${f.rule}@${f.location}x${f.count}`)).toEqual([
      "card-number@form:cardNumberx1",
      "card-security-code@form:cvvx1",
      "card-expiry@form:expiryx1",
    ]);
    const { commitment } = await import("../../worker/src/mask/index.ts");
    expect(findings[0]?.commitments).toEqual([commitment(KEY, "4242424242424242")]);
    expect(findings[0]?.uncommitted).toBeUndefined();
    // A CVV has 1,000 values: a commitment to it would be the CVV itself to anyone who may ask `prove`.
    expect(findings[1]).toEqual({
      rule: "card-security-code",
      location: "form:cvv",
      count: 1,
      uncommitted: "low-entropy",
    });
    expect(findings[2]?.commitments).toBeUndefined();
    expect(findings[2]?.uncommitted).toBe("low-entropy");
  });

  it("commits under the commitment key, never the hash key", async () => {
    const { commitment } = await import("../../worker/src/mask/index.ts");
    const { ctx } = mask("cardNumber=4242424242424242", "application/x-www-form-urlencoded");
    const made = ctx.findings[0]?.commitments?.[0];
    expect(made).toBe(commitment(KEY, "4242424242424242"));
    expect(made).not.toBe(commitment("s".repeat(32), "4242424242424242"));
  });

  it("makes no commitment without a commitment key, and says so", () => {
    const ctx = new MaskContext({ policy: policy({}), secret: "s".repeat(32) });
    maskBody(enc("cardNumber=4242424242424242&cvv=123"), "application/x-www-form-urlencoded", ctx);
    expect(ctx.findings.map((f) => [f.rule, f.commitments, f.uncommitted])).toEqual([
      ["card-number", undefined, "no-commitment-key"],
      ["card-security-code", undefined, "no-commitment-key"],
    ]);
  });

  it("commits to a card's digits however it was written, so any spelling proves it", async () => {
    const { commitment } = await import("../../worker/src/mask/index.ts");
    const digits = commitment(KEY, "4242424242424242");
    for (const spelling of ["4242 4242 4242 4242", "4242-4242-4242-4242", "4242.4242.4242.4242"])
      expect(commitment(KEY, spelling)).toBe(digits);
    const { ctx } = mask("<p>4242&nbsp;4242&nbsp;4242&nbsp;4242</p>", "text/html");
    expect(ctx.findings[0]?.commitments).toEqual([digits]);
  });

  it("names the JSON path and the element in locations", () => {
    const json = mask('{"user":{"password":"x"}}', "application/json").ctx.findings[0];
    expect(json?.location).toBe("json:$.user.password");
    const html = mask('<input name="cvv" value="1">', "text/html").ctx.findings[0];
    expect(html?.location).toBe("html:input[name=cvv]");
  });

  it("masks a URL with a custom query rule", () => {
    const ctx = new MaskContext({
      policy: policy({
        rules: [{ id: "promo", action: "hash", match: { field: ["promo"], in: ["query"] } }],
      }),
      secret: "k".repeat(32),
    });
    expect(maskUrl("/p?promo=SPRING&x=1", ctx, "url")).toMatch(/^\/p\?promo=%5Bhash%3A[0-9a-f]{32}%5D&x=1$/);
  });
});

describe("selectors and JSONPath", () => {
  it.each([
    ["input[name=dob]", "input", { name: "dob" }, true],
    ["input[name=dob]", "input", { name: "x" }, false],
    ["#balance", "span", { id: "balance" }, true],
    [".secret", "div", { class: "a secret b" }, true],
    ["[data-x^=ab]", "div", { "data-x": "abc" }, true],
    ["[autocomplete~=cc-number]", "input", { autocomplete: "billing cc-number" }, true],
  ])("%s matches <%s %o>: %s", (text, tag, attribs, expected) => {
    const selector = parseSelector(text);
    if (typeof selector === "string") throw new Error(selector);
    expect(matchesSelector(selector, tag, attribs)).toBe(expected);
  });

  it.each([
    ["$.a.b", ["a", "b"], true],
    ["$.a.b", ["a", "c"], false],
    ["$..b", ["x", 3, "b"], true],
    ["$.items[*].card", ["items", 7, "card"], true],
    ["$.items[1]", ["items", 1], true],
    ["$['odd key']", ["odd key"], true],
  ])("%s matches %o: %s", (text, position, expected) => {
    const path = parseJsonPath(text);
    if (typeof path === "string") throw new Error(path);
    expect(matchesJsonPath(path, position)).toBe(expected);
  });
});
