import { describe, expect, it } from "vitest";
import { maskBody, MaskContext } from "../../worker/src/mask/index.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe("masking bad input", () => {
  it("masks a huge single-line JSON body", () => {
    const filler = `{"n":"${"x".repeat(100)}","price":"12.50"},`.repeat(40_000);
    const body = `{"items":[${filler}{"password":"hunter2","pan":"4242424242424242"}]}`;
    expect(body.length).toBeGreaterThan(5_000_000);
    const masked = new TextDecoder().decode(maskBody(enc(body), "application/json", new MaskContext()));
    expect(masked.length).toBe(body.length - "hunter2".length + "[REDACTED]".length);
    expect(masked.endsWith('{"password":"[REDACTED]","pan":"XXXXXXXXXXXX4242"}]}')).toBe(true);
  });

  it("masks a page with broken UTF-8 and keeps the broken bytes as they were", () => {
    const head = enc("<p>caf");
    const broken = new Uint8Array([0xc3, 0x28, 0xff, 0xfe]);
    const tail = enc('</p><input type=password value="pw1"><p>4111 1111 1111 1111</p>');
    const page = new Uint8Array([...head, ...broken, ...tail]);
    const masked = maskBody(page, "text/html; charset=utf-8", new MaskContext());
    expect([...masked.subarray(head.length, head.length + 4)]).toEqual([...broken]);
    const text = latin1(masked);
    expect(text).toContain('value="[REDACTED]"');
    expect(text).toContain("XXXX XXXX XXXX 1111");
  });

  it("masks deeply nested HTML without blowing the stack or going quadratic", () => {
    const depth = 50_000;
    const page = `${"<div>".repeat(depth)}<span data-verbatim-mask>Secret Name</span><input name=cvv value=123>${"</div>".repeat(depth)}`;
    const masked = new TextDecoder().decode(maskBody(enc(page), "text/html", new MaskContext()));
    expect(masked).toContain("<span data-verbatim-mask>****** ****</span>");
    expect(masked).toContain("<input name=cvv value=[REDACTED]>");
  });

  it("survives binary data labelled as HTML and still masks what it can", () => {
    const noise = new Uint8Array(20_000);
    let x = 7;
    for (let i = 0; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16;
    const page = new Uint8Array([...noise, ...enc("<input name=password value=s3cret>"), ...noise]);
    const masked = latin1(maskBody(page, "text/html", new MaskContext()));
    expect(masked).not.toContain("s3cret");
  });

  it("survives binary data labelled as JSON", () => {
    const bytes = new Uint8Array(50_000).map((_, i) => (i * 7919) % 256);
    expect(() => maskBody(bytes, "application/json", new MaskContext())).not.toThrow();
  });
});
