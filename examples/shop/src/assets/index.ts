import { fromBase64, lazy } from "../bytes.ts";
import type { Version } from "../version.ts";
import { APP_JS } from "./app-js.ts";
import { INTER_400_WOFF2 } from "./generated/inter-400.ts";
import { INTER_700_WOFF2 } from "./generated/inter-700.ts";
import { PRODUCT_2X_PNG } from "./generated/product-2x-png.ts";
import { PRODUCT_PNG } from "./generated/product-png.ts";
import { LOGO_SVG } from "./logo-svg.ts";
import { SITE_CSS } from "./site-css.ts";
import { THEME_CSS } from "./theme-css.ts";

export type StaticAsset = {
  readonly contentType: string;
  /** Text is gzip-eligible and gets a weak ETag; binary is sent as is with a strong one. */
  readonly text: boolean;
  readonly body: (version: Version) => string | Uint8Array<ArrayBuffer>;
};

const interRegular = lazy(() => fromBase64(INTER_400_WOFF2));
const interBold = lazy(() => fromBase64(INTER_700_WOFF2));
const productImage = lazy(() => fromBase64(PRODUCT_PNG));
const productImage2x = lazy(() => fromBase64(PRODUCT_2X_PNG));

/** Every file under /static, by path. Content types follow the IANA media type registry. */
export const STATIC_ASSETS: Readonly<Record<string, StaticAsset>> = {
  "/static/site.css": { contentType: "text/css; charset=utf-8", text: true, body: (v) => SITE_CSS[v] },
  "/static/theme.css": { contentType: "text/css; charset=utf-8", text: true, body: (v) => THEME_CSS[v] },
  "/static/app.js": { contentType: "text/javascript; charset=utf-8", text: true, body: () => APP_JS },
  "/static/img/logo.svg": { contentType: "image/svg+xml", text: true, body: () => LOGO_SVG },
  "/static/img/product.png": { contentType: "image/png", text: false, body: productImage },
  "/static/img/product@2x.png": { contentType: "image/png", text: false, body: productImage2x },
  "/static/fonts/inter-400.woff2": { contentType: "font/woff2", text: false, body: interRegular },
  "/static/fonts/inter-700.woff2": { contentType: "font/woff2", text: false, body: interBold },
};
