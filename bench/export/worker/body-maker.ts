import { fnv1a, rng, type Rng } from "../prng.ts";
import type { BodySpec } from "../site-model.ts";

/**
 * The bytes of a planned body, exactly `spec.size` long: a function of the asset's key (shared assets are
 * the same bytes everywhere) or of the seed (a visitor's own page or API answer). Text is made of the kind of
 * repetition real markup, stylesheets, scripts and JSON have, so it compresses as they do (roughly 4-8x with
 * gzip); images and fonts are incompressible, as WebP and WOFF2 are. ASCII only, so characters are bytes.
 */
export function makeBody(spec: BodySpec): Uint8Array {
  const r = rng(spec.kind === "asset" ? fnv1a(spec.key) : spec.seed);
  const type = spec.type.split(";")[0]?.trim() ?? "";
  if (type === "image/webp" || type.startsWith("font/")) return binary(spec.size, r);
  const text = TEXT[type];
  if (!text) throw new Error(`body-maker: no generator for ${type}`);
  return new TextEncoder().encode(text(spec.size, r));
}

const WORDS = (
  "wool coat merino scarf boots leather linen shirt winter classic slim fit navy charcoal oat camel " +
  "double breasted recycled cashmere knit jumper chelsea suede ankle tote crossbody canvas gift card " +
  "organic cotton relaxed straight cropped tailored quilted puffer waterproof lined hooded belted " +
  "soft warm light everyday durable handmade limited edition new season bestseller back in stock"
).split(" ");

const words = (r: Rng, n: number) => Array.from({ length: n }, () => r.pick(WORDS)).join(" ");

/** Pieces appended while they fit, then `tail`, then spaces up to the exact size. */
function fill(size: number, head: string, piece: () => string, tail: string): string {
  let out = head;
  for (;;) {
    const next = piece();
    if (out.length + next.length + tail.length > size) break;
    out += next;
  }
  out += tail;
  return out.length >= size ? out.slice(0, size) : out + " ".repeat(size - out.length);
}

const TEXT: Record<string, (size: number, r: Rng) => string> = {
  "text/html": (size, r) => {
    const csrf = r.hex(40);
    const nav = Array.from(
      { length: 40 },
      (_, i) => `<li><a href="/c/${WORDS[i % WORDS.length]}">${WORDS[(i * 7) % WORDS.length]}</a></li>`,
    ).join("");
    const head =
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${words(r, 4)} | Shop</title>` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<link rel="stylesheet" href="/assets/app.3f9c1a.css"><script defer src="/assets/vendor.8d21e0.js"></script>` +
      `<script defer src="/assets/app.51b7c2.js"></script></head><body><header class="site-header">` +
      `<a class="logo" href="/"><img src="/img/logo.svg" alt="Shop" width="120" height="32"></a>` +
      `<nav aria-label="Main"><ul class="nav">${nav}</ul></nav><p class="greeting">Hello, ${r.pick(WORDS)}` +
      ` &middot; basket (${r.int(0, 6)})</p></header><main id="content">`;
    const card = () => {
      const id = r.int(0, 399);
      return (
        `<article class="card" data-sku="SKU-${id}"><a class="card__link" href="/p/${id}">` +
        `<img src="/img/p/${id}-thumb.webp" alt="${words(r, 3)}" loading="lazy" width="320" height="320"></a>` +
        `<h3 class="card__title">${words(r, r.int(2, 4))}</h3><p class="card__price">&pound;${r.int(9, 480)}.${r.int(10, 99)}</p>` +
        `<p class="card__desc">${words(r, r.int(12, 28))}.</p><form method="post" action="/cart">` +
        `<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="sku" value="SKU-${id}">` +
        `<button class="btn btn--primary" type="submit">Add to basket</button></form></article>\n`
      );
    };
    const tail = `</main><footer class="site-footer"><p>&copy; 2026 Shop Ltd</p></footer></body></html>\n`;
    return fill(size, head, card, tail);
  },
  "application/json": (size, r) => {
    const item = () =>
      `{"sku":"SKU-${r.int(0, 399)}","name":"${words(r, 3)}","price":${r.int(900, 48_000)},` +
      `"currency":"GBP","qty":${r.int(1, 3)},"stock":${r.int(0, 80)},"tags":["${r.pick(WORDS)}","${r.pick(WORDS)}"]},`;
    let items = "";
    for (let next = item(); items.length + next.length + 60 <= size; next = item()) items += next;
    const head = `{"v":1,"at":${r.int(1e9, 2e9)},"items":[${items.replace(/,$/, "")}],"pad":"`;
    return head + "x".repeat(Math.max(0, size - head.length - 2)) + `"}`;
  },
  "application/x-www-form-urlencoded": (size, r) =>
    fill(
      size,
      `csrf=${r.hex(40)}&delivery=standard&country=GB`,
      () => `&${r.pick(WORDS)}=${encodeURIComponent(words(r, 2))}`,
      `&card=%5Bmasked%5D&agree=on`,
    ),
  "text/css": (size, r) =>
    fill(
      size,
      `:root{--brand:#1f3a5f;--accent:#c8553d;--radius:6px}\n`,
      () =>
        `.${r.pick(WORDS)}-${r.pick(WORDS)}{display:${r.pick(["flex", "grid", "block"])};margin:${r.int(0, 32)}px ${r.int(0, 32)}px;` +
        `padding:${r.int(0, 24)}px;color:#${r.hex(6)};font-size:${r.int(12, 28)}px;border-radius:var(--radius)}\n`,
      `/*# sourceMappingURL=app.css.map */\n`,
    ),
  "text/javascript": (size, r) =>
    fill(
      size,
      `"use strict";(()=>{var e={};`,
      () => {
        const name = `${r.pick(WORDS)}${r.int(0, 999)}`;
        return (
          `function ${name}(t,n){const r=t.${r.pick(WORDS)}??[];if(!n)return r.length;` +
          `for(let i=0;i<r.length;i++)if(r[i].id===n)return e["${r.pick(WORDS)}"]=r[i];return ${r.int(0, 99)}}\n`
        );
      },
      `})();\n//# sourceMappingURL=app.js.map\n`,
    ),
  "image/svg+xml": (size, r) =>
    fill(
      size,
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">`,
      () =>
        `<path fill="#${r.hex(6)}" d="M${r.int(0, 512)} ${r.int(0, 512)}L${r.int(0, 512)} ${r.int(0, 512)}` +
        `C${r.int(0, 512)} ${r.int(0, 512)} ${r.int(0, 512)} ${r.int(0, 512)} ${r.int(0, 512)} ${r.int(0, 512)}Z"/>`,
      `</svg>\n`,
    ),
};

/** Incompressible bytes, as an already compressed image or font is. */
function binary(size: number, r: Rng): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = Math.floor(r.next() * 0xffffffff) | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}
