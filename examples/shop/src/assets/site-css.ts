import type { Version } from "../version.ts";

/**
 * Shared rules. `font-display: block` and no transitions keep screenshots reproducible: text never paints in a
 * fallback font first and nothing is mid-animation when the browser test captures the page.
 */
const BASE = `@import url("/static/theme.css");

@font-face {
  font-family: "Inter";
  font-style: normal;
  font-weight: 400;
  font-display: block;
  src: url("/static/fonts/inter-400.woff2") format("woff2");
}

@font-face {
  font-family: "Inter";
  font-style: normal;
  font-weight: 700;
  font-display: block;
  src: url("/static/fonts/inter-700.woff2") format("woff2");
}

*, *::before, *::after { box-sizing: border-box; }
html { font-family: "Inter", sans-serif; font-size: 16px; line-height: 1.5; color: var(--text); background: var(--page); }
body { margin: 0; }
h1, h2 { line-height: 1.2; }
a { color: var(--accent); }
.site-header { background: var(--header-bg); color: var(--header-text); }
.site-header .inner, main, .site-footer { max-width: 960px; margin: 0 auto; padding: 0 24px; }
.site-header .inner { display: flex; align-items: center; justify-content: space-between; height: 64px; }
.brand { display: flex; align-items: center; gap: 8px; color: inherit; font-weight: 700; text-decoration: none; }
.site-nav ul { display: flex; align-items: center; gap: 16px; margin: 0; padding: 0; list-style: none; }
.site-nav a, .site-nav button { color: inherit; font: inherit; text-decoration: none; }
.site-nav button { padding: 0; border: 0; background: none; cursor: pointer; text-decoration: underline; }
.site-footer { padding-top: 24px; padding-bottom: 24px; color: var(--muted); font-size: 14px; }
.hero { padding: 32px 200px 32px 32px; background-color: var(--panel); background-image: url(/static/img/product.png); background-repeat: no-repeat; background-position: right 32px center; background-size: 128px 96px; image-rendering: pixelated; }
.product { display: grid; gap: 24px; align-items: start; }
.product img { width: 128px; height: 96px; image-rendering: pixelated; }
.price { font-size: 28px; font-weight: 700; margin: 8px 0; }
.adjustments { color: var(--muted); }
.disclaimer { padding: 12px 16px; border-left: 4px solid var(--border); color: var(--muted); font-size: 14px; }
.disclaimer.warning { border-color: var(--warning); background: var(--warning-bg); color: var(--warning); }
#quote-widget { min-height: 120px; margin: 24px 0; padding: 16px; border: 1px solid var(--border); background: #ffffff; }
form.stacked { display: grid; gap: 12px; max-width: 420px; }
form.stacked label { display: grid; gap: 4px; font-weight: 700; }
input, select, button { font: inherit; }
input, select { padding: 6px 8px; border: 1px solid var(--border); background: #ffffff; font-weight: 400; }
.button, button.primary { display: inline-block; padding: 8px 16px; border: 0; background: var(--accent); color: var(--accent-text); text-decoration: none; cursor: pointer; }
.errors { color: var(--warning); }
table { border-collapse: collapse; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--border); text-align: left; }
dl.summary { display: grid; grid-template-columns: 200px 1fr; gap: 4px 16px; }
dl.summary dt { font-weight: 700; }
dl.summary dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; padding: 0; list-style: none; }
.cards li { padding: 16px; border: 1px solid var(--border); background: #ffffff; }
`;

/** What the v2 release changed in the layout: image on the right, square corners, bigger headings. */
const LAYOUT = {
  v1: `.hero, .cards li, #quote-widget { border-radius: 8px; }
.product { grid-template-columns: 160px 1fr; }
h1 { font-size: 32px; }
`,
  v2: `.hero, .cards li, #quote-widget { border-radius: 0; }
.product { grid-template-columns: 1fr 160px; }
.product img { order: 2; }
h1 { font-size: 40px; letter-spacing: -0.5px; }
.site-nav ul { gap: 24px; text-transform: uppercase; font-size: 14px; }
`,
} as const satisfies Record<Version, string>;

export const SITE_CSS = {
  v1: BASE + LAYOUT.v1,
  v2: BASE + LAYOUT.v2,
} as const satisfies Record<Version, string>;
