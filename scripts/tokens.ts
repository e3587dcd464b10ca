/**
 * Scoped API tokens, from the command line (README "Access by function"):
 *
 *   npm run tokens -- create --name "nightly export" --roles compliance --days 30
 *   npm run tokens -- list
 *   npm run tokens -- revoke <id>
 *
 * Talks to the admin API on the console's host with an admin credential: `--token`, else VERBATIM_ADMIN_TOKEN,
 * else (local dev only) the demo admin token. `--base` is the console's URL (default: the local recorder
 * that `npm start` runs). A created token is printed once and is never shown again.
 */
import { parseArgs } from "node:util";
import { apiFetch } from "./lib/console-fetch.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: "string", default: process.env["VERBATIM_CONSOLE"] ?? "http://127.0.0.1:8787" },
    token: { type: "string", default: process.env["VERBATIM_ADMIN_TOKEN"] ?? "demo-admin" },
    name: { type: "string" },
    roles: { type: "string" },
    days: { type: "string", default: "90" },
  },
});

type TokenView = {
  id: string;
  name: string;
  roles: string[];
  state: string;
  createdBy: string;
  expiresAt: string;
  token?: string;
};

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await apiFetch(values.base, `/__verbatim/api/tokens${path}`, {
    method,
    token: values.token,
    // A JSON body (or type) marks the call as not a cross-site form, which the console's CSRF check refuses.
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} tokens${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

function line(t: TokenView): string {
  return `${t.id}  ${t.state.padEnd(7)}  ${t.roles.join(",").padEnd(18)}  expires ${t.expiresAt}  ${t.name}`;
}

const [command, id] = positionals;
try {
  if (command === "create") {
    if (!values.name || !values.roles) throw new Error('create needs --name "<what for>" and --roles a,b');
    const created = (await call("POST", "", {
      name: values.name,
      roles: values.roles.split(",").map((r) => r.trim()),
      expiresInDays: Number(values.days),
    })) as TokenView;
    console.log(line(created));
    console.log(`\ntoken (shown once, store it now): ${created.token}`);
  } else if (command === "list") {
    const { tokens } = (await call("GET", "")) as { tokens: TokenView[] };
    for (const t of tokens) console.log(line(t));
    if (tokens.length === 0) console.log("no tokens");
  } else if (command === "revoke") {
    if (!id || !/^[0-9a-f]{12}$/.test(id)) throw new Error("revoke needs a token id (12 hex characters)");
    const result = (await call("DELETE", `/${id}`)) as TokenView & { revoked: boolean };
    console.log(result.revoked ? `revoked ${id}` : `${id} was already revoked`);
  } else {
    throw new Error("usage: npm run tokens -- create --name N --roles R[,R] [--days D] | list | revoke <id>");
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
