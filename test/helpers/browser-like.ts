import { env } from "cloudflare:test";
import type { Env } from "../../worker/src/env.ts";
import { SITE, visit, type Visit } from "./visit.ts";

/**
 * A scripted visitor: keeps its own cookie jar like a browser, tags each request with a test id so the
 * origin's tap can show exactly what the origin sent for it.
 */
export class Customer {
  readonly name: string;
  readonly jar = new Map<string, string>();
  readonly ids: string[] = [];
  /** What this visitor received, by test id. */
  readonly bodies = new Map<string, Uint8Array>();
  #n = 0;

  constructor(name: string) {
    this.name = name;
  }

  async request(
    path: string,
    init: RequestInit = {},
    overrides: Partial<Env> = {},
  ): Promise<Visit & { id: string }> {
    const id = `${this.name}-${++this.#n}`;
    this.ids.push(id);
    const headers = new Headers(init.headers);
    headers.set("x-test-id", id);
    headers.set("accept-encoding", "gzip, deflate, br");
    headers.set("user-agent", `Mozilla/5.0 (X11; Linux x86_64) TestBrowser/${this.name}`);
    if (!headers.has("sec-fetch-dest"))
      headers.set(
        "sec-fetch-dest",
        path.startsWith("/static") || path.startsWith("/api") ? "empty" : "document",
      );
    if (this.jar.size > 0) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const result = await visit(new Request(SITE + path, { ...init, headers, redirect: "manual" }), overrides);
    for (const line of result.response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.bodies.set(id, result.body);
    return { ...result, id };
  }

  form(path: string, fields: Record<string, string>): Promise<Visit & { id: string }> {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** What the origin actually wrote for a tagged request. */
export async function tapped(id: string): Promise<Uint8Array> {
  const response = await fetch(`${env.SHOP_ORIGIN}/__tap/${encodeURIComponent(id)}`);
  if (!response.ok) throw new Error(`origin tap has nothing for ${id}`);
  return new Uint8Array(await response.arrayBuffer());
}
