import { describe, expect, it } from "vitest";
import { maskBody, maskHeaders, maskUrl, MaskContext } from "../../worker/src/mask/index.ts";

/**
 * The crafted probes a security review ran against the recorder: secrets written the way real clients,
 * frameworks and payment platforms write them. Each row is a body as sent and the secret it hides; the
 * stored body must not hold the secret in any spelling (entities, escapes, percent-encoding, separators).
 */
const CARD = "4111111111111111";
const AMEX = "378282246310005";
const PASSWORD = "Tr0ub4dor&3xyz";
const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function utf16(text: string, order: "le" | "be"): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i + (order === "le" ? 0 : 1)] = unit & 0xff;
    out[2 * i + (order === "le" ? 1 : 0)] = unit >> 8;
  }
  return out;
}

/** Every spelling a reader could recover the secret from, folded to one plain text. */
function readable(text: string): string {
  let out = text
    .replace(/&#x([0-9a-f]+);?/gi, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);?/g, (_m, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\\u([0-9a-f]{4})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/<[^>]*>/g, "");
  try {
    out = decodeURIComponent(out.replace(/\+/g, " "));
  } catch {
    // not percent-encoded
  }
  return out.normalize("NFKC");
}

function holds(stored: string, secret: string): boolean {
  const plain = readable(stored);
  if (/^[0-9]+$/.test(secret)) return plain.replace(/[^0-9]/g, "").includes(secret);
  return plain.includes(secret);
}

type Probe = [name: string, body: string | Uint8Array, contentType: string | null, secret: string];

const PROBES: Probe[] = [
  // Field names the way frameworks and payment platforms nest them.
  ["a bracketed CVV", "payment[cvv]=737&x=1", "application/x-www-form-urlencoded", "737"],
  ["Magento's payment[cc_cid]", "payment[cc_cid]=7373", "application/x-www-form-urlencoded", "7373"],
  [
    "Shopify's verification_value",
    "credit_card[verification_value]=737",
    "application/x-www-form-urlencoded",
    "737",
  ],
  [
    "Shopify's credit_card[number]",
    `credit_card[number]=${CARD.slice(0, 12)}7777`,
    "application/x-www-form-urlencoded",
    `${CARD.slice(0, 12)}`,
  ],
  ["a nested user[pass]", `user[pass]=${PASSWORD}`, "application/x-www-form-urlencoded", PASSWORD],
  ["a dotted user.password", `user.password=${PASSWORD}`, "application/x-www-form-urlencoded", PASSWORD],
  ["cvv_code", "cvv_code=737", "application/x-www-form-urlencoded", "737"],
  ["card_pin", "card_pin=4921", "application/x-www-form-urlencoded", "4921"],
  ["otp_code", "otp_code=883201", "application/x-www-form-urlencoded", "883201"],
  [
    "Adyen's encryptedSecurityCode",
    '{"encryptedSecurityCode":"adyenjs_0_1_25$abc"}',
    "application/json",
    "adyenjs_0_1_25$abc",
  ],
  [
    "Stripe's card[cvc]",
    "card[number]=4242424242424242&card[cvc]=314",
    "application/x-www-form-urlencoded",
    "314",
  ],
  [
    "a MediaWiki wpPassword",
    `wpName=Alice&wpPassword=${PASSWORD}`,
    "application/x-www-form-urlencoded",
    PASSWORD,
  ],
  // JSON that does not say it is JSON.
  ["JSON as text/plain", `{"password":"${PASSWORD}"}`, "text/plain", PASSWORD],
  ["JSON as octet-stream", `{"password":"${PASSWORD}"}`, "application/octet-stream", PASSWORD],
  ["JSON without a type", `{"password":"${PASSWORD}"}`, null, PASSWORD],
  ["a form without a type", `user=al&password=${encodeURIComponent(PASSWORD)}`, null, PASSWORD],
  // JSON structure.
  ["a \\u-escaped key", `{"pass\\u0077ord":"${PASSWORD}"}`, "application/json", PASSWORD],
  ["\\u-escaped card digits", `{"note":"\\u0034111111111111111"}`, "application/json", CARD],
  ["a password given as an object", `{"password":{"value":"${PASSWORD}"}}`, "application/json", PASSWORD],
  ["a password given as an array", `{"password":["${PASSWORD}"]}`, "application/json", PASSWORD],
  [
    "a name/value pair",
    `{"fields":[{"name":"password","value":"${PASSWORD}"}]}`,
    "application/json",
    PASSWORD,
  ],
  [
    "a value/key pair, value first",
    `[{"value":"${PASSWORD}","key":"password"}]`,
    "application/json",
    PASSWORD,
  ],
  [
    "GraphQL inline arguments",
    `{"query":"mutation { login(username: \\"al\\", password: \\"${PASSWORD}\\") { token } }"}`,
    "application/json",
    PASSWORD,
  ],
  [
    "a raw GraphQL body",
    `mutation { login(password: "${PASSWORD}") { ok } }`,
    "application/graphql",
    PASSWORD,
  ],
  ["JSON inside a JSON string", `{"payload":"{\\"cvv\\":\\"737\\"}"}`, "application/json", "737"],
  // Card numbers written for people.
  ["a card with &nbsp;", "<p>4111&nbsp;1111&nbsp;1111&nbsp;1111</p>", "text/html", CARD],
  ["a card with &#32;", "<p>4111&#32;1111&#32;1111&#32;1111</p>", "text/html", CARD],
  ["a card with UTF-8 NBSP", "<p>4111\u00a01111\u00a01111\u00a01111</p>", "text/html; charset=utf-8", CARD],
  ["a card with dots", "<p>4111.1111.1111.1111</p>", "text/html", CARD],
  ["a card with double spaces", "<p>4111  1111  1111  1111</p>", "text/html", CARD],
  [
    "a card split across spans",
    "<p><span>4111</span> <span>1111</span> <span>1111</span> <span>1111</span></p>",
    "text/html",
    CARD,
  ],
  [
    "a card in full-width digits",
    "<p>\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11</p>",
    "text/html; charset=utf-8",
    CARD,
  ],
  [
    "an Amex 4-6-5",
    `<p>Card ${AMEX.slice(0, 4)} ${AMEX.slice(4, 10)} ${AMEX.slice(10)}</p>`,
    "text/html",
    AMEX,
  ],
  ["a card followed by an expiry", "<p>4111 1111 1111 1111 12/27</p>", "text/html", CARD],
  ["a card followed by expiry and CVV", "Card: 4111 1111 1111 1111 exp 12/27 cvv 737", "text/plain", "737"],
  ["a card in a JSON number", '{"pan":4111111111111111}', "application/json", CARD],
  [
    "a card percent-encoded in a form",
    "note=%34%31%31%31%31%31%31%31%31%31%31%31%31%31%31%31",
    "application/x-www-form-urlencoded",
    CARD,
  ],
  ["a card in a JS string", 'const c = "4111 1111 1111 1111";', "text/javascript", CARD],
  [
    "a card in a base64 text",
    `data=${btoa(`{"card":"${CARD}","exp":"12/27"}`)}`,
    "application/x-www-form-urlencoded",
    CARD,
  ],
  [
    "a percent-encoded card in a link (DokuWiki's search wildcard)",
    '<a href="/doku.php?do=search&amp;sf=1&amp;q=%2A4677426351325007">Ends with</a>',
    "text/html",
    "4677426351325007",
  ],
  [
    "a card in a URL path of a JSON link",
    '{"next":"/-/verdaccio/data/search/4588633203906581"}',
    "application/json",
    "4588633203906581",
  ],
  // Minified HTML.
  ["minified password value", `<input type="password"value="${PASSWORD}">`, "text/html", PASSWORD],
  [
    "an unquoted password value",
    `<input type=password name=p value=${PASSWORD.replace("&", "")}>`,
    "text/html",
    PASSWORD.replace("&", ""),
  ],
  // Credentials in URLs and tokens in text.
  [
    "a signed S3 URL in a page",
    '<a href="https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261128&amp;X-Amz-Signature=6a1f0b2c3d4e5f60718293a4b5c6d7e8f9012345">x</a>',
    "text/html",
    "6a1f0b2c3d4e5f60718293a4b5c6d7e8f9012345",
  ],
  [
    "an AWS key id in JSON",
    '{"note":"key AKIAIOSFODNN7EXAMPLE here"}',
    "application/json",
    "AKIAIOSFODNN7EXAMPLE",
  ],
  [
    "a GitHub token in text",
    "token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB ok",
    "text/plain",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
  ],
  [
    "a Stripe secret key",
    '{"k":"sk_live_51HxYzAbCdEfGhIjKlMnOpQr"}',
    "application/json",
    "sk_live_51HxYzAbCdEfGhIjKlMnOpQr",
  ],
  [
    "a Basic credential in text",
    `Authorization header was Basic ${btoa(`alice:${PASSWORD}`)}`,
    "text/plain",
    btoa(`alice:${PASSWORD}`),
  ],
  [
    "a private key",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    "text/plain",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
  ],
  // Charsets and framing.
  ["UTF-16LE without a BOM", utf16(`{"password":"${PASSWORD}"}`, "le"), "application/json", PASSWORD],
  ["UTF-16BE without a BOM", utf16(`<p>card ${CARD}</p>`, "be"), "text/html", CARD],
  [
    "multipart with LF line endings",
    `--b\nContent-Disposition: form-data; name="password"\n\n${PASSWORD}\n--b--\n`,
    "multipart/form-data; boundary=b",
    PASSWORD,
  ],
  [
    "multipart with unquoted names",
    `--b\r\nContent-Disposition: form-data; name=password\r\n\r\n${PASSWORD}\r\n--b--\r\n`,
    "multipart/form-data; boundary=b",
    PASSWORD,
  ],
  [
    "multipart without a boundary parameter",
    `--xyz\r\nContent-Disposition: form-data; name="cvv"\r\n\r\n737\r\n--xyz--\r\n`,
    "multipart/form-data",
    "737",
  ],
  ["a font label on JSON", `{"password":"${PASSWORD}"}`, "font/woff", PASSWORD],
  ["an image label on a form", `cvv=737&n=1`, "image/png", "737"],
];

describe("masking crafted probes", () => {
  it.each(PROBES)("%s: the secret is not stored", (_name, body, contentType, secret) => {
    const bytes = typeof body === "string" ? enc(body) : body;
    const masked = maskBody(bytes, contentType, new MaskContext({ secret: "k".repeat(32) }));
    const text = typeof body === "string" ? dec(masked) : decodeUtf16(masked, body);
    expect(holds(text, secret), text).toBe(false);
  });
});

function decodeUtf16(masked: Uint8Array, original: Uint8Array): string {
  return new TextDecoder(original[0] === 0 ? "utf-16be" : "utf-16le").decode(masked);
}

describe("masking crafted headers and URLs", () => {
  it.each([
    ["X-Auth", "x-auth", "s3cr3t-value-123"],
    ["Authentication: Basic", "authentication", `Basic ${btoa("al:pw")}`],
    ["a Basic credential in an odd header", "x-upstream", `Basic ${btoa(`alice:${PASSWORD}`)}`],
    ["X-Session-Id", "x-session-id", "a81bc81b-dead-4e5d-abff-90865d1e13b1"],
    ["X-Amz-Security-Token", "x-amz-security-token", "FwoGZXIvYXdzEBYaDKx"],
  ])("redacts %s", (_name, header, value) => {
    const masked = Object.fromEntries(
      maskHeaders(new Headers({ [header]: value }), new MaskContext(), "request"),
    );
    expect(masked[header]).not.toContain(value.replace(/^Basic /, ""));
  });

  it.each([
    [
      "X-Amz-Signature",
      "/f?X-Amz-Signature=abcdef0123456789&X-Amz-Date=20261128T000000Z",
      "abcdef0123456789",
    ],
    [
      "X-Amz-Credential",
      "/f?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261128%2Fus-east-1",
      "AKIAIOSFODNN7EXAMPLE",
    ],
    ["X-Goog-Signature", "/f?X-Goog-Signature=0a1b2c3d4e5f", "0a1b2c3d4e5f"],
    ["a percent-encoded card in a path", "/cards/%34%31%31%31111111111111/edit", CARD],
  ])("masks %s in a URL", (_name, url, secret) => {
    expect(holds(maskUrl(url, new MaskContext(), "url"), secret)).toBe(false);
  });
});

describe("masking keeps code and geometry intact", () => {
  it.each([
    [
      "SVG path data",
      '<svg><path d="M10 10a4 4 0 0 0-4 4 4 4 0 0 0 4 4 4 4 0 0 0 4-4 4 4 0 0 0-4-4z"/></svg>',
      "image/svg+xml",
    ],
    ["an SVG polyline", '<svg><polyline points="4111 1111 1111 1111 4111 1111"/></svg>', "image/svg+xml"],
    [
      "a minified bundle",
      'x=t("Username:"),o?$e.createElement("input",{type:"password"}):null;var n=4111111111111111e-3',
      "text/javascript",
    ],
    ["a regex with quotes", 'var r=/"password":"[^"]*"/g,s="ok";', "application/javascript"],
    ["a template literal", "const q = `password: ${p} and ${'\"'}`;", "text/javascript"],
    ["CSS numbers", ".a{width:4111px;margin:1111px 1111px 1111px 1111px}", "text/css"],
    ["an i18n label in JS", 'var labels={password:"Password",token:"Token"};', "text/javascript"],
  ])("leaves %s unchanged", (_name, body, contentType) => {
    expect(dec(maskBody(enc(body), contentType, new MaskContext()))).toBe(body);
  });
});
