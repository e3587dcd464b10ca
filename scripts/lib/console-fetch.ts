import { request as httpRequest } from "node:http";
import { DEMO_TOKEN_OF } from "../../worker/src/access/demo-tokens.ts";

/** Local demo credentials per role: accepted only on loopback names (worker/src/front/local-credentials.ts). */
export const DEMO_TOKENS = DEMO_TOKEN_OF;

/** The console's host locally (wrangler.toml CONSOLE_HOST). */
export const CONSOLE_HOST = "console.localhost";

/**
 * A request to the console's host on a local recorder at `base` (http://127.0.0.1:<port>). The console lives
 * on its own host (CONSOLE_HOST), which Node cannot resolve (Chromium resolves *.localhost itself) and which
 * fetch() will not put in a Host header, so this connects to `base` over node:http and names the console's
 * host itself. Answers as a fetch Response.
 */
export function consoleFetch(
  base: string,
  path: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const url = new URL(base);
  const headers: Record<string, string> = {
    host: `${CONSOLE_HOST}:${url.port}`,
    ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
    ...init.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: init.method ?? "GET", headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (Array.isArray(value)) for (const v of value) out.append(name, v);
            else if (value !== undefined) out.set(name, value);
          }
          const status = res.statusCode ?? 0;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: out }));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/**
 * The API at `base`: a local recorder (`http://127.0.0.1:<port>` or `http://localhost:<port>`) is reached on
 * its console host as above; any other base is the console's own URL (https://verbatim.example.net) and is
 * fetched as is.
 */
export function apiFetch(
  base: string,
  path: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const host = new URL(base).hostname;
  if (host === "127.0.0.1" || host === "localhost") return consoleFetch(base, path, init);
  return fetch(new URL(path, base), {
    method: init.method ?? "GET",
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}
