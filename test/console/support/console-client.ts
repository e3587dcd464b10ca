import { CONSOLE, DEMO, visit, type Visit } from "../../helpers/visit.ts";

/** A support person's browser on the console: the login cookie, and forms posted from the console's origin. */
export const ADMIN_TOKEN = DEMO.compliance;

export function consoleGet(
  path: string,
  cookie: string | null,
  headers: Record<string, string> = {},
): Promise<Visit> {
  return visit(
    new Request(CONSOLE + path, {
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      redirect: "manual",
    }),
  );
}

export function consolePost(
  path: string,
  fields: Record<string, string>,
  cookie: string | null,
  origin: string | null = CONSOLE,
): Promise<Visit> {
  return visit(
    new Request(CONSOLE + path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(origin ? { origin } : {}),
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    }),
  );
}

/** The `name=value` of the console cookie a response sets, or null. */
export function consoleCookieOf(result: Visit): string | null {
  for (const line of result.response.headers.getSetCookie()) {
    const pair = line.split(";")[0] ?? "";
    const name = /^(__Host-)?verbatim_console=/.exec(pair)?.[0];
    if (name !== undefined && pair.length > name.length) return pair;
  }
  return null;
}

export async function logIn(token: string = ADMIN_TOKEN): Promise<string> {
  const result = await consolePost("/__verbatim/login", { token, next: "/__verbatim/" }, null, CONSOLE);
  const cookie = consoleCookieOf(result);
  if (!cookie) throw new Error(`login failed: ${result.response.status} ${result.text.slice(0, 200)}`);
  return cookie;
}

/** Text of the HTML without tags and with entities decoded enough for assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/\s+/g, " ");
}
