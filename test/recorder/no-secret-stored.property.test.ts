import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { everythingStored } from "../helpers/archive.ts";
import { luhnComplete } from "../helpers/cards.ts";
import { SITE, visit } from "../helpers/visit.ts";

/**
 * Property: whatever the page, form, JSON, header or URL a secret is embedded in, and wherever, no stored
 * byte (R2 objects, compressed and decompressed, and every D1 row) contains it. Each sample goes through the
 * whole recorder (proxy → snapshot → mask → store) against a real origin that mirrors the request body back.
 */
const CARD_PREFIXES = ["4", "51", "52", "55", "2221", "34", "37", "6011", "65", "3530"];
const LENGTHS: Record<string, number> = { "34": 15, "37": 15 };

const card = fc
  .tuple(
    fc.constantFrom(...CARD_PREFIXES),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
    fc.constantFrom("", " ", "-"),
  )
  .map(([prefix, digits, separator]) => {
    const length = LENGTHS[prefix] ?? 16;
    const number = luhnComplete(prefix + digits.join("").slice(0, length - prefix.length - 1));
    return {
      digits: number,
      text: separator === "" ? number : (number.match(/.{1,4}/g) ?? []).join(separator),
    };
  });
const password = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#%*]{11,17}$/);
const token = fc.stringMatching(/^[A-Za-z0-9_-]{24,32}$/);
const cvv = fc.stringMatching(/^[0-9]{3,4}$/);
const word = fc.stringMatching(/^[a-z]{1,8}$/);
const filler = fc.array(word, { maxLength: 6 }).map((words) => words.join(" "));

type Secrets = { card: { digits: string; text: string }; password: string; token: string; cvv: string };
type Carrier = { path: string; contentType: string; body: string; headers: Record<string, string> };

const secrets = fc.record({ card, password, token, cvv });

const html = (s: Secrets, a: string, b: string, order: number): string => {
  const fields = [
    `<input type="password" name="pw${a.length}" value="${s.password}">`,
    `<input name="cardNumber" autocomplete="cc-number" value="${s.card.text}">`,
    `<input name="cvv" value="${s.cvv}">`,
    `<p>${a} card ${s.card.text} ${b}</p>`,
    `<div data-ref="${s.card.text}">${b}</div>`,
    `<script>window.__STATE__ = {"user": {"${a}": 1, "newPassword": "${s.password}", "accessToken": "${s.token}"}};</script>`,
    `<script type="application/json">{"items":[{"cvc":"${s.cvv}"}],"note":"${s.card.text}"}</script>`,
    `<textarea name="password">${s.password}</textarea>`,
  ];
  const rotated = [...fields.slice(order % fields.length), ...fields.slice(0, order % fields.length)];
  return `<!doctype html><html><body><form>${a}${rotated.join(`<span>${b}</span>`)}</form></body></html>`;
};

const json = (s: Secrets, a: string, depth: number): string => {
  let inner: unknown = {
    password: s.password,
    card: s.card.text,
    pan: Number(s.card.digits.slice(0, 15)) ? s.card.digits : s.card.digits,
    cvv: Number(s.cvv),
    refresh_token: s.token,
    note: `${a} ${s.card.text}`,
  };
  for (let i = 0; i < depth; i++) inner = { [`${a || "k"}${i}`]: [inner, i] };
  return JSON.stringify(inner);
};

const carrier = fc
  .tuple(secrets, fc.constantFrom("html", "json", "form", "multipart"), word, filler, fc.nat(20), fc.nat(6))
  .map(([s, kind, a, b, order, depth]): [Secrets, Carrier] => {
    const headers = {
      authorization: `Bearer ${s.token}`,
      cookie: `shop.sid=${s.token}; theme=${a}`,
      "x-api-key": s.token,
      "x-mirror-cookie-token": s.token,
    };
    const query = `?q=${a}&access_token=${s.token}&cc=${encodeURIComponent(s.card.text)}`;
    switch (kind) {
      case "html":
        return [
          s,
          {
            path: `/mirror${query}`,
            contentType: "text/html; charset=utf-8",
            body: html(s, a, b, order),
            headers,
          },
        ];
      case "json":
        return [
          s,
          { path: `/mirror${query}`, contentType: "application/json", body: json(s, a, depth), headers },
        ];
      case "form":
        return [
          s,
          {
            path: `/mirror${query}`,
            contentType: "application/x-www-form-urlencoded",
            body: new URLSearchParams({
              [a || "x"]: b,
              password: s.password,
              cardNumber: s.card.text,
              cvv: s.cvv,
              note: s.card.text,
            }).toString(),
            headers,
          },
        ];
      default: {
        const boundary = `----b${a}${depth}`;
        const part = (name: string, value: string, file = "") =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"` : ""}\r\n\r\n${value}\r\n`;
        const body =
          part("password", s.password) +
          part("cvv", s.cvv) +
          part("proof", `statement ${s.card.text} ${b}`, "proof.txt") +
          `--${boundary}--\r\n`;
        return [
          s,
          {
            path: `/mirror${query}`,
            contentType: `multipart/form-data; boundary=${boundary}`,
            body,
            headers,
          },
        ];
      }
    }
  });

/** The forms in which a secret would betray itself in storage. */
function leaks(s: Secrets): string[] {
  return [
    s.password,
    s.token,
    s.card.text,
    s.card.digits,
    s.card.digits.slice(0, 12),
    encodeURIComponent(s.card.text),
    `cvv=${s.cvv}`,
    `"cvv":${s.cvv}`,
    `"cvc":"${s.cvv}"`,
    `name="cvv" value="${s.cvv}"`,
    `name=\\"cvv\\"\\r\\n\\r\\n${s.cvv}`,
  ];
}

describe("no secret is ever stored", () => {
  it("holds for random secrets in random HTML, JSON, forms, multipart, headers and URLs", async () => {
    await fc.assert(
      fc.asyncProperty(carrier, async ([s, c]) => {
        const result = await visit(
          new Request(`${SITE}${c.path}`, {
            method: "POST",
            body: c.body,
            headers: { "content-type": c.contentType, ...c.headers },
          }),
          { ORIGIN: env.EDGE_ORIGIN },
        );
        expect(result.response.status).toBe(200);
        const stored = await everythingStored();
        for (const secret of leaks(s)) {
          const at = stored.indexOf(secret);
          if (at >= 0)
            throw new Error(
              `stored a secret (${secret.length} chars) from a ${c.contentType} carrier: …${stored.slice(Math.max(0, at - 120), at + secret.length + 20).replaceAll(secret, "<SECRET>")}…`,
            );
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
