/**
 * A scripted browser visit: its own cookie jar, a browser's request headers (Fetch Metadata, Accept,
 * `accept-encoding: gzip`), redirects followed by hand so each hop is one exchange. Every exchange is kept
 * as the visitor received it (bodies decoded, as `fetch` hands them over) for the storage comparisons.
 */
export type Exchange = {
  at: Date;
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody: Uint8Array<ArrayBuffer> | null;
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  /** Decoded body; `contentEncoding` says how it travelled. */
  responseBody: Uint8Array;
  contentEncoding: string | null;
  pageView: boolean;
};

type Destination = "document" | "style" | "script" | "image" | "font" | "empty";

const ACCEPT = {
  document: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  style: "text/css,*/*;q=0.1",
  script: "*/*",
  image: "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5",
  font: "*/*",
  empty: "application/json, */*;q=0.5",
} as const satisfies Record<Destination, string>;

export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

/** Request headers a browser sends for this destination (no cookie: the jar adds it). */
export function browserHeaders(dest: Destination): Record<string, string> {
  return {
    "user-agent": BROWSER_UA,
    accept: ACCEPT[dest],
    "accept-encoding": "gzip",
    "accept-language": "en-US,en;q=0.9",
    "sec-fetch-dest": dest,
    "sec-fetch-mode": dest === "document" ? "navigate" : dest === "empty" ? "cors" : "no-cors",
    "sec-fetch-site": "same-origin",
  };
}

export class Visitor {
  readonly #base: string;
  readonly #jar = new Map<string, string>();
  readonly exchanges: Exchange[] = [];

  constructor(base: string) {
    this.#base = base;
  }

  cookieHeader(): string {
    return [...this.#jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async get(path: string, dest: Destination): Promise<Exchange> {
    return this.#send("GET", path, dest, null, null);
  }

  /** Navigates: a document GET, following redirects (each hop its own exchange). */
  async navigate(path: string): Promise<Exchange> {
    let exchange = await this.get(path, "document");
    for (let hops = 0; exchange.status >= 300 && exchange.status < 400 && hops < 5; hops++) {
      exchange = await this.get(this.#location(exchange), "document");
    }
    return exchange;
  }

  /** Submits a form as a browser does (urlencoded), then follows the redirect like a navigation. */
  async submit(path: string, fields: Record<string, string>): Promise<Exchange> {
    const body = new TextEncoder().encode(new URLSearchParams(fields).toString());
    const posted = await this.#send("POST", path, "document", body, "application/x-www-form-urlencoded");
    return posted.status >= 300 && posted.status < 400 ? this.navigate(this.#location(posted)) : posted;
  }

  async postJson(path: string, value: unknown): Promise<Exchange> {
    const body = new TextEncoder().encode(JSON.stringify(value));
    return this.#send("POST", path, "empty", body, "application/json");
  }

  #location(exchange: Exchange): string {
    const location = exchange.responseHeaders.find(([name]) => name === "location")?.[1];
    if (!location) throw new Error(`${exchange.method} ${exchange.url}: ${exchange.status} without Location`);
    const url = new URL(location, exchange.url);
    return url.pathname + url.search;
  }

  async #send(
    method: string,
    path: string,
    dest: Destination,
    body: Uint8Array<ArrayBuffer> | null,
    contentType: string | null,
  ): Promise<Exchange> {
    const headers: Record<string, string> = browserHeaders(dest);
    if (contentType) headers["content-type"] = contentType;
    if (this.#jar.size > 0) headers["cookie"] = this.cookieHeader();
    const at = new Date();
    const url = this.#base + path;
    const response = await fetch(url, { method, headers, body, redirect: "manual" });
    const responseBody = new Uint8Array(await response.arrayBuffer());
    if (response.status >= 400) throw new Error(`${method} ${url}: ${response.status}`);
    for (const line of response.headers.getSetCookie()) this.#store(line);
    const isHtml = (response.headers.get("content-type") ?? "").startsWith("text/html");
    const exchange: Exchange = {
      at,
      method,
      url,
      requestHeaders: [["host", new URL(url).host], ...Object.entries(headers)],
      requestBody: body,
      status: response.status,
      statusText: response.statusText,
      responseHeaders: [...response.headers],
      responseBody,
      contentEncoding: response.headers.get("content-encoding"),
      pageView: dest === "document" && isHtml && response.status >= 200 && response.status < 300,
    };
    this.exchanges.push(exchange);
    return exchange;
  }

  #store(setCookie: string): void {
    const [pair = "", ...attributes] = setCookie.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
    if (value === "" || expired) this.#jar.delete(name);
    else this.#jar.set(name, value);
  }
}
