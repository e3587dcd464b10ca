import { describe, expect, it } from "vitest";
import { maskBody, maskHeaders, maskUrl, MaskContext } from "../../worker/src/mask/index.ts";
import { customerToken } from "../../worker/src/mask/keyed-hash.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function mask(body: string, contentType: string): string {
  return dec(maskBody(enc(body), contentType, new MaskContext()));
}

describe("masking HTML", () => {
  it.each([
    [
      "a password input's value",
      '<input type="password" name="pw" value="hunter2">',
      '<input type="password" name="pw" value="[REDACTED]">',
    ],
    [
      "a CVV by autocomplete",
      "<input autocomplete=cc-csc value=123 name=x>",
      "<input autocomplete=cc-csc value=[REDACTED] name=x>",
    ],
    [
      "a card field keeping the last four",
      '<input name="cardNumber" value="4242 4242 4242 4242">',
      '<input name="cardNumber" value="XXXX XXXX XXXX 4242">',
    ],
    [
      "a hidden CSRF token",
      "<input type=hidden name=csrf_token value='abc123'>",
      "<input type=hidden name=csrf_token value='[REDACTED]'>",
    ],
    [
      "a card number in text",
      "<p>Card 4111 1111 1111 1111 on file</p>",
      "<p>Card XXXX XXXX XXXX 1111 on file</p>",
    ],
    [
      "a card number in an attribute",
      '<a data-card="4111111111111111">x</a>',
      '<a data-card="XXXXXXXXXXXX1111">x</a>',
    ],
    [
      "a password textarea",
      '<textarea name="password">s3cret</textarea>',
      '<textarea name="password">[REDACTED]</textarea>',
    ],
    [
      "a CSRF meta tag",
      '<meta name="csrf-token" content="tok-123">',
      '<meta name="csrf-token" content="[REDACTED]">',
    ],
    [
      "inline state",
      '<script>window.__STATE__ = {"city":"NY","accessToken":"eyJ.x.y","n":1}</script>',
      '<script>window.__STATE__ = {"city":"NY","accessToken":"[REDACTED]","n":1}</script>',
    ],
    [
      "a JSON island",
      '<script type="application/json">{"password": "pw1"}</script>',
      '<script type="application/json">{"password": "[REDACTED]"}</script>',
    ],
    [
      "malformed HTML",
      '<div><input type=password value="x"<p>4242424242424242',
      '<div><input type=password value="[REDACTED]"<p>XXXXXXXXXXXX4242',
    ],
  ])("masks %s and nothing else", (_name, input, expected) => {
    expect(mask(input, "text/html; charset=utf-8")).toBe(expected);
  });

  it("keeps every byte outside the masked spans", () => {
    const page = `<!doctype html>\n<html><head><title>Caf\u00e9 \u2014 ok</title></head><body>\n<!-- comment 4242 -->\n<input name=city value="New York">\n<input type=password value=pw>\n</body></html>`;
    const masked = mask(page, "text/html");
    expect(masked).toBe(page.replace("value=pw", "value=[REDACTED]"));
  });

  it("leaves order numbers, prices and timestamps alone", () => {
    const page = "<p>Order ORD-20260045, APP-2026-000123, $1,270.08, at 1763900000000</p>";
    expect(mask(page, "text/html")).toBe(page);
  });
});

describe("masking JSON", () => {
  it.each([
    ["a password", '{"password":"pw"}', '{"password":"[REDACTED]"}'],
    ["a nested token", '{"a":{"accessToken":"eyJhbGciOi.x.y"}}', '{"a":{"accessToken":"[REDACTED]"}}'],
    ["a card number string", '{"note":"card 4242424242424242"}', '{"note":"card XXXXXXXXXXXX4242"}'],
    ["a card number as a number", '{"pan":4242424242424242}', '{"pan":0000000000004242}'],
    ["a CVV number", '{"cvv":123}', '{"cvv":"[REDACTED]"}'],
    ["invalid JSON", '{"password": "x", oops', '{"password": "[REDACTED]", oops'],
    ["an unterminated string", '{"password": "abc', '{"password": "[REDACTED]'],
  ])("masks %s", (_name, input, expected) => {
    expect(mask(input, "application/json")).toBe(expected);
  });

  it("leaves a price, a quantity and an order id alone", () => {
    const body = '{"price":"1270.08","quantity":2,"orderId":"ORD-20260045","ts":1763900000000}';
    expect(mask(body, "application/json")).toBe(body);
  });

  it("handles deep nesting without recursion", () => {
    const deep = `${"[".repeat(100_000)}"4242424242424242"${"]".repeat(100_000)}`;
    expect(mask(deep, "application/json")).toContain("XXXXXXXXXXXX4242");
  });
});

describe("masking forms", () => {
  it.each([
    [
      "a login (no key: the username is redacted, not hashed)",
      "username=al&password=hunter2",
      "username=%5BREDACTED%5D&password=%5BREDACTED%5D",
    ],
    [
      "a card typed with spaces",
      "cardNumber=4242+4242+4242+4242&cvv=123",
      "cardNumber=XXXX%20XXXX%20XXXX%204242&cvv=%5BREDACTED%5D",
    ],
    ["a card in a free field", "note=4242424242424242", "note=XXXXXXXXXXXX4242"],
    ["malformed percent-encoding", "password=%E0%A4%A", "password=%5BREDACTED%5D"],
    ["an SSN field", "name=Al&ssn=123-45-6789", "name=Al&ssn=%5BREDACTED%5D"],
  ])("masks %s", (_name, input, expected) => {
    expect(mask(input, "application/x-www-form-urlencoded")).toBe(expected);
  });

  it("masks multipart fields and card numbers in uploaded files", () => {
    const body = [
      "--XyZ",
      'Content-Disposition: form-data; name="password"',
      "",
      "hunter2",
      "--XyZ",
      'Content-Disposition: form-data; name="proof"; filename="statement.txt"',
      "Content-Type: text/plain",
      "",
      "card 4242 4242 4242 4242",
      "--XyZ--",
      "",
    ].join("\r\n");
    const masked = mask(body, "multipart/form-data; boundary=XyZ");
    expect(masked).toContain('name="password"\r\n\r\n[REDACTED]\r\n');
    expect(masked).toContain("card XXXX XXXX XXXX 4242");
    expect(masked).not.toContain("hunter2");
  });

  it("refuses a multipart body without a boundary (the recorder then stores no body)", () => {
    expect(() => maskBody(enc("password=x"), "multipart/form-data", new MaskContext())).toThrow(
      "multipart_without_boundary",
    );
  });
});

describe("masking headers and URLs", () => {
  it("redacts credentials and cookie values, keeping cookie names and attributes", () => {
    const headers = new Headers({
      authorization: "Bearer abc",
      cookie: "a=1; shop.sid=s3cr3t",
      "x-api-key": "k",
      accept: "text/html",
    });
    headers.append("set-cookie", "shop.sid=new; Path=/; HttpOnly");
    const masked = Object.fromEntries(maskHeaders(headers, new MaskContext(), "request"));
    expect(masked).toEqual({
      accept: "text/html",
      authorization: "[REDACTED]",
      cookie: "a=[REDACTED]; shop.sid=[REDACTED]",
      "x-api-key": "[REDACTED]",
      "set-cookie": "shop.sid=[REDACTED]; Path=/; HttpOnly",
    });
  });

  it.each([
    [
      "an OAuth code",
      "https://s.example/cb?code=abc&state=xyz&page=2",
      "https://s.example/cb?code=%5BREDACTED%5D&state=%5BREDACTED%5D&page=2",
    ],
    ["an access token", "/api?access_token=eyJ.a.b", "/api?access_token=%5BREDACTED%5D"],
    ["a card number in the path", "/cards/4242424242424242/edit", "/cards/XXXXXXXXXXXX4242/edit"],
    ["userinfo", "https://user:pw@s.example/", "https://user:[REDACTED]@s.example/"],
    ["a fragment token", "/cb#access_token=abc&x=1", "/cb#access_token=%5BREDACTED%5D&x=1"],
    ["nothing secret", "/products/home-insurance?zip=10001", "/products/home-insurance?zip=10001"],
  ])("masks %s in a URL", (_name, input, expected) => {
    expect(maskUrl(input, new MaskContext(), "url")).toBe(expected);
  });
});

describe("masking other charsets", () => {
  it("masks a UTF-16 page and keeps its encoding", () => {
    const text = "\ufeff<p>4242 4242 4242 4242</p>";
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff;
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
    }
    const masked = maskBody(bytes, "text/html; charset=utf-16", new MaskContext());
    expect(new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true }).decode(masked)).toBe(
      "\ufeff<p>XXXX XXXX XXXX 4242</p>",
    );
  });

  it("leaves binary fonts untouched", () => {
    const bytes = new Uint8Array([0x77, 0x4f, 0x46, 0x32, 0x34, 0x32, 0x34, 0x32]);
    expect(maskBody(bytes, "font/woff2", new MaskContext())).toBe(bytes);
  });
});

describe("hashing customer identifiers", () => {
  it("replaces a username or email with a keyed token and collects it for the session", () => {
    const report = new MaskContext({ secret: "k".repeat(32) });
    const masked = dec(
      maskBody(enc("username=Alice&password=x"), "application/x-www-form-urlencoded", report),
    );
    const token = customerToken("k".repeat(32), " alice ");
    expect(masked).toBe(`username=${encodeURIComponent(token)}&password=%5BREDACTED%5D`);
    expect([...report.customerTokens]).toEqual([token]);
    const json = dec(maskBody(enc('{"email":"ALICE@example.com"}'), "application/json", report));
    expect(json).toBe(`{"email":"${customerToken("k".repeat(32), "alice@example.com")}"}`);
  });

  it("gives different tokens under different keys", () => {
    expect(customerToken("a".repeat(32), "alice")).not.toBe(customerToken("b".repeat(32), "alice"));
    expect(customerToken("a".repeat(32), "alice")).toMatch(/^\[hash:[0-9a-f]{32}\]$/);
  });
});
