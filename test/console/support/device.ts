import { SITE, visit, type Visit } from "../../helpers/visit.ts";

/**
 * One customer's device with its own cookie jar and User-Agent, for the customer view (the shared Customer
 * helper gives every visitor the same desktop UA).
 */
export const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
export const LAPTOP_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export class Device {
  readonly jar = new Map<string, string>();
  readonly userAgent: string;

  constructor(userAgent: string) {
    this.userAgent = userAgent;
  }

  async request(path: string, init: RequestInit = {}, dest = "document"): Promise<Visit> {
    const headers = new Headers(init.headers);
    headers.set("user-agent", this.userAgent);
    headers.set("sec-fetch-dest", dest);
    if (this.jar.size > 0) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const result = await visit(new Request(SITE + path, { ...init, headers, redirect: "manual" }));
    for (const line of result.response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return result;
  }

  logIn(username: string, password: string): Promise<Visit> {
    return this.request("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ username, password }).toString(),
    });
  }
}
