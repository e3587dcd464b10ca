import { describe, expect, it } from "vitest";
import { maskBody, MaskContext } from "../../worker/src/mask/index.ts";

/**
 * Values that look like secrets to a careless detector and are not (issue 7, items 2, 5 and 9): order
 * numbers, timestamps, prices, phone numbers, ISBNs, parcel tracking numbers, SVG geometry, CSS and code.
 * Each body must come back byte for byte. Several digit runs are Luhn-valid on purpose: Luhn alone passes
 * one random number in ten, so a card needs a card's shape too (a scheme's prefix and length, standing alone,
 * outside geometry, CSS and code).
 */
const HTML = "text/html; charset=utf-8";
const JSON_TYPE = "application/json";
const JS = "text/javascript";
const CSS = "text/css";
const SVG = "image/svg+xml";

/** An SVG icon whose path coordinates spell a test card number, base64-encoded in a CSS data: URL. */
const SVG_IN_BASE64 =
  "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxNiAxNiI+PHBhdGggZD0iTTQxMTEgMTExMSAxMTExIDExMTFaIi8+PC9zdmc+";

const UNCHANGED: ReadonlyArray<readonly [category: string, name: string, body: string, contentType: string]> =
  [
    // Order numbers
    ["order number", "in page text", "<p>Order #100045871 placed on 28 Nov 2026</p>", HTML],
    [
      "order number",
      "a Luhn-valid 13-digit one in a table cell",
      "<td>2026112800456</td><td>Shipped</td>",
      HTML,
    ],
    [
      "order number",
      "with a prefix, in JSON",
      `{"orderId":"ORD-2026-004512","order_number":100045871}`,
      JSON_TYPE,
    ],
    // Epoch timestamps
    ["timestamp", "10 digits, Luhn-valid, in JSON", `{"created":1764288005,"updated":1764288013}`, JSON_TYPE],
    [
      "timestamp",
      "13 digits, Luhn-valid, in JSON",
      `{"createdAt":1764288000003,"ts":"1764288000011"}`,
      JSON_TYPE,
    ],
    ["timestamp", "13 digits in a data attribute", '<span data-ts="1764288000003">just now</span>', HTML],
    ["timestamp", "13 digits in page text", "<p>Last sync: 1764288000003 ms</p>", HTML],
    ["timestamp", "13 digits in a JS string", 'var since="1764288000011";', JS],
    // Prices
    [
      "price",
      "in page text, several spellings",
      "<p>$4,111.11 · 4 111 111,11 € · £1,111,111.11 · 1111.11 USD</p>",
      HTML,
    ],
    ["price", "in JSON", `{"price":4111.11,"total_cents":411111111,"display":"$4,111.11"}`, JSON_TYPE],
    // Phone numbers
    [
      "phone number",
      "E.164 with spaces and a tel: link",
      '<a href="tel:+14155552671">+1 415 555 2671</a>',
      HTML,
    ],
    ["phone number", "UK national and international", "<p>Call 020 7946 0958 or +44 20 7946 0958</p>", HTML],
    ["phone number", "US national", "<p>(415) 555-2671</p>", HTML],
    [
      "phone number",
      "13 digits with country code, Luhn-valid",
      "<p>+86 138 0013 8002</p><p>8613800138002</p>",
      HTML,
    ],
    ["phone number", "E.164 in JSON", `{"phone":"+14155552671","fax":"+44 20 7946 0958"}`, JSON_TYPE],
    // ISBNs
    ["ISBN", "ISBN-13 with hyphens", "<p>ISBN 978-0-306-40615-7</p>", HTML],
    ["ISBN", "ISBN-13, Luhn-valid, bare", "<p>ISBN 9780306400001</p>", HTML],
    ["ISBN", "ISBN-10", "<p>ISBN 0-306-40615-2</p>", HTML],
    ["ISBN", "in JSON", `{"isbn13":"9780306406157","isbn10":"0306406152"}`, JSON_TYPE],
    // Parcel tracking numbers
    ["tracking number", "UPS", "<p>Tracking: 1Z999AA10123456784</p>", HTML],
    ["tracking number", "FedEx, 12 digits, Luhn-valid", "<p>FedEx 748901234561</p>", HTML],
    ["tracking number", "FedEx, 15 digits, Luhn-valid", "<p>FedEx 449044304137802</p>", HTML],
    ["tracking number", "USPS, 22 digits, Luhn-valid", "<p>USPS 9400111899223197428406</p>", HTML],
    ["tracking number", "USPS, 22 digits printed in fours", "<p>USPS 9400 1118 9922 3197 4284 06</p>", HTML],
    ["tracking number", "in JSON", `{"carrier":"USPS","tracking":"9400111899223197428406"}`, JSON_TYPE],
    // SVG geometry
    ["SVG", "arc path data", '<svg><path d="M10 10 a4 4 0 0 0-4 4 4 4 0 0 0 4 4"/></svg>', SVG],
    ["SVG", "path coordinates that spell a test card", '<svg><path d="M4111 1111 1111 1111Z"/></svg>', SVG],
    ["SVG", "polygon points", '<svg><polygon points="4111,1111 1111,1111 4111,4111"/></svg>', SVG],
    [
      "SVG",
      "viewBox and transform",
      '<svg viewBox="0 0 4111 1111"><g transform="matrix(1 0 0 1 4111 1111)"><rect width="4111" height="1111"/></g></svg>',
      SVG,
    ],
    [
      "SVG",
      "inline in HTML",
      '<p><svg viewBox="0 0 24 24"><path d="M4111 1111 1111 1111Z"/></svg></p>',
      HTML,
    ],
    // CSS
    [
      "CSS",
      "colours",
      ".a{color:#411111;background:rgb(41 111 111 / 50%);border-color:hsl(411 11% 11%)}",
      CSS,
    ],
    ["CSS", "numbers", ".col{width:4111px;margin:1111px 1111px 1111px 1111px;z-index:1764288000}", CSS],
    ["CSS", "an unquoted url() with digits", ".h{background:url(/img/hero.4111111111111111.webp)}", CSS],
    [
      "CSS",
      "a base64 SVG whose path spells a card",
      `.i{background:url("data:image/svg+xml;base64,${SVG_IN_BASE64}")}`,
      CSS,
    ],
    ["CSS", "in a style element", "<style>.col{margin:4111px 1111px 1111px 1111px}</style>", HTML],
    // JavaScript
    ["JavaScript", "number literals", "var MAX=9007199254740991,t=1764288000003,n=4111111111111111;", JS],
    ["JavaScript", "a BigInt and a hex literal", "const a=4111111111111111n,b=0x4111111111111111;", JS],
    [
      "JavaScript",
      "minified code with digit arrays",
      "for(var e=0,t=[4111,1111,1111,1111];e<t.length;e++)n+=t[e];",
      JS,
    ],
    [
      "JavaScript",
      "minified module metadata",
      'a.exports={version:"4.11.1",build:20261128004512,id:1764288000003};',
      JS,
    ],
    ["JavaScript", "a phone number in a string", 'alert("Call +1 415 555 2671 or 020 7946 0958");', JS],
    ["JavaScript", "an ISBN in a string", 'var isbn="978-0-306-40615-7";', JS],
    ["JavaScript", "inline in HTML", "<script>var t=[4111,1111,1111,1111],n=1764288000003;</script>", HTML],
  ];

describe("masking leaves look-alikes of secrets alone", () => {
  it.each(UNCHANGED)("%s: %s", (_category, _name, body, contentType) => {
    const masked = maskBody(
      new TextEncoder().encode(body),
      contentType,
      new MaskContext({ secret: "k".repeat(32) }),
    );
    expect(new TextDecoder().decode(masked)).toBe(body);
  });
});
