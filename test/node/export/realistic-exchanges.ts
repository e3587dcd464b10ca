import { readFile } from "node:fs/promises";
import type { WarcExchangeInput } from "../../../worker/src/export/warc-file.ts";
import { exchangeInput, utf8, type ExchangeSpec } from "../../export/exchange-fixtures.ts";

/**
 * A visit as the recorder would have kept it, with bodies that are real files no one here wrote (from the
 * project's node_modules): an HTML page, a JavaScript bundle, a JSON document, a PNG. Around them, the
 * shapes an export must carry: form, JSON, multipart, plain-text and binary POSTs, a 304, the same bundle
 * under a second URL (a revisit), a body the recorder did not keep, a URL with www, a port and a query.
 */
const root = new URL("../../../", import.meta.url).pathname;
const file = async (path: string): Promise<Uint8Array> => new Uint8Array(await readFile(`${root}${path}`));

const T0 = Date.UTC(2026, 2, 14, 9, 26, 53, 589);

export async function realisticExchanges(): Promise<WarcExchangeInput[]> {
  const html = await file("node_modules/uglify-js/tools/domprops.html");
  const js = await file("node_modules/fflate/esm/browser.js");
  const json = await file("node_modules/hono/package.json");
  const png = await file("node_modules/pino/pino-tree.png");
  const multipart = utf8(
    '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nana@example.com\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\u0089PNG\r\n--XyZ--\r\n',
  );
  const specs: ExchangeSpec[] = [
    page("e-01", "https://www.Shop.example:8443/Docs/DOM?b=2&a=1", T0, html, [
      ["content-encoding", "gzip"],
      ["content-length", "9000"],
    ]),
    asset(
      "e-02",
      "https://shop.example:8443/static/fflate.js",
      T0 + 120,
      js,
      "application/javascript; charset=utf-8",
    ),
    asset("e-03", "https://shop.example:8443/api/package.json", T0 + 250, json, "application/json"),
    asset("e-04", "https://shop.example:8443/img/tree.png", T0 + 260, png, "image/png"),
    post(
      "e-05",
      "https://shop.example:8443/login",
      T0 + 2_000,
      "application/x-www-form-urlencoded",
      utf8("user=ana&pass=%5BMASKED%5D&remember=on"),
    ),
    post(
      "e-06",
      "https://shop.example:8443/api/cart?v=2",
      T0 + 2_500,
      "application/json",
      utf8('{"items":[{"sku":"A 1","qty":2},{"sku":"B&2","qty":1}],"coupon":null,"gift":true}'),
    ),
    post(
      "e-07",
      "https://shop.example:8443/profile",
      T0 + 3_000,
      "multipart/form-data; boundary=XyZ",
      multipart,
    ),
    post(
      "e-08",
      "https://shop.example:8443/beacon",
      T0 + 3_100,
      "text/plain;charset=UTF-8",
      utf8("visible=1 scrolled=40%"),
    ),
    post(
      "e-09",
      "https://shop.example:8443/upload",
      T0 + 3_200,
      "application/octet-stream",
      png.subarray(0, 600),
    ),
    {
      ...asset("e-10", "https://shop.example:8443/static/fflate.js", T0 + 4_000, null, null),
      status: 304,
      responseHeaders: [["etag", '"f1"']],
    },
    asset("e-11", "https://cdn.shop.example/fflate.min.js", T0 + 4_100, js, "text/javascript"),
    {
      ...asset("e-12", "https://shop.example:8443/media/intro.webm", T0 + 4_200, null, "video/webm"),
      responseNote: "body over the 8 MB limit: not stored",
    },
    page(
      "e-13",
      "https://shop.example:8443/thanks",
      T0 + 6_000,
      utf8("<!doctype html><title>Thanks</title><p>Order placed.</p>"),
      [],
    ),
  ];
  return Promise.all(specs.map(exchangeInput));
}

function page(
  id: string,
  url: string,
  at: number,
  body: Uint8Array,
  extra: Array<[string, string]>,
): ExchangeSpec {
  return {
    ...asset(id, url, at, body, "text/html; charset=utf-8"),
    pageView: true,
    responseHeaders: [["content-type", "text/html; charset=utf-8"], ...extra, ["cache-control", "private"]],
  };
}

function asset(
  id: string,
  url: string,
  at: number,
  body: Uint8Array | null,
  type: string | null,
): ExchangeSpec {
  return {
    id,
    url,
    startedAt: at,
    responseHeaders: type
      ? [
          ["content-type", type],
          ["server", "origin"],
        ]
      : [["server", "origin"]],
    responseBody: body,
    ttfbMs: 18,
    totalMs: 31,
  };
}

function post(id: string, url: string, at: number, type: string, body: Uint8Array): ExchangeSpec {
  return {
    id,
    url,
    method: "POST",
    startedAt: at,
    requestHeaders: [
      ["host", "shop.example:8443"],
      ["content-type", type],
      ["content-length", String(body.length)],
      ["origin", "https://shop.example:8443"],
    ],
    requestBody: body,
    responseHeaders: [
      ["content-type", "application/json"],
      ["content-encoding", "br"],
    ],
    responseBody: utf8(`{"ok":true,"id":"${id}"}`),
  };
}
