/**
 * `npm run policy -- <command>`: the masking policy from the command line, for ops.
 *   check [policy.json]                      validate (default: the file wrangler.toml's [alias] names)
 *   test <body-file> [--type T] [--url U] [--policy P]
 *                                            mask a saved page or body: masked bytes to stdout, findings to stderr
 *   test --exchange <id> [--base URL] [--token T] [--policy P]
 *                                            re-mask a recorded (already masked) body with a policy you are drafting
 *   keygen [--out private-key.pem]           an RSA-OAEP key pair for "encrypt" rules: the public key goes into the
 *                                            policy, the private key stays with whoever may reveal values
 *   reveal --key private-key.pem '<[enc:...]>'   decrypt a value an "encrypt" rule sealed
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { unstable_readConfig } from "wrangler";
import { MaskContext } from "../worker/src/mask/context.ts";
import { maskBody } from "../worker/src/mask/mask-body.ts";
import { compilePolicy, type CompiledPolicy } from "../worker/src/mask/policy/compile-policy.ts";
import { unseal } from "../worker/src/mask/unseal.ts";
import { apiFetch } from "./lib/console-fetch.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    type: { type: "string", default: "text/html; charset=utf-8" },
    url: { type: "string", default: "/" },
    policy: { type: "string" },
    exchange: { type: "string" },
    base: { type: "string", default: "http://127.0.0.1:8787" },
    // An API token with the support role; locally the demo one (README "Access by function").
    token: { type: "string", default: process.env["VERBATIM_TOKEN"] ?? "demo-support" },
    key: { type: "string" },
    out: { type: "string", default: "verbatim-private-key.pem" },
  },
});
const [command, argument] = positionals;

function activePolicyPath(): string {
  const config = unstable_readConfig({ config: "wrangler.toml" });
  const path = config.alias?.["verbatim-policy"];
  if (!path) throw new Error('wrangler.toml has no [alias] "verbatim-policy" = "<policy file>"');
  return path;
}

function load(path: string): CompiledPolicy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    fail(`${path}: not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const result = compilePolicy(json);
  if (!result.ok)
    fail(`${path} is not a valid masking policy:\n${result.errors.map((e) => `  - ${e}`).join("\n")}`);
  return result.policy;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function test(policy: CompiledPolicy): Promise<void> {
  let bytes: Uint8Array;
  let type = values.type;
  let url = values.url;
  if (values.exchange) {
    const token = values.token;
    const meta = await apiFetch(values.base, `/__verbatim/api/exchanges/${values.exchange}`, { token });
    if (!meta.ok) fail(`exchange ${values.exchange}: ${meta.status} ${await meta.text()}`);
    const exchange = (await meta.json()) as {
      request: { url: string };
      response: { contentType: string | null };
    };
    const body = await apiFetch(values.base, `/__verbatim/api/exchanges/${values.exchange}/body`, { token });
    if (!body.ok) fail(`exchange ${values.exchange} body: ${body.status} ${await body.text()}`);
    bytes = new Uint8Array(await body.arrayBuffer());
    type = exchange.response.contentType ?? type;
    url = exchange.request.url;
  } else {
    if (!argument) fail("test needs a file (or --exchange <id>)");
    bytes = new Uint8Array(readFileSync(argument));
  }
  const ctx = new MaskContext({
    policy,
    secret: process.env["VERBATIM_SECRET"] ?? "policy-test-secret-not-for-production",
    url,
  });
  const masked = maskBody(bytes, type, ctx);
  process.stdout.write(masked);
  console.error(
    `\npolicy ${policy.version}: ${ctx.total} value(s) masked in ${bytes.length} bytes (${type})`,
  );
  for (const f of ctx.findings)
    console.error(`  ${f.rule.padEnd(24)} ${String(f.count).padStart(4)}  ${f.location}`);
}

async function keygen(): Promise<void> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  );
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey)).toString("base64");
  const pem = `-----BEGIN PRIVATE KEY-----\n${(pkcs8.match(/.{1,64}/g) ?? []).join("\n")}\n-----END PRIVATE KEY-----\n`;
  writeFileSync(values.out, pem, { mode: 0o600 });
  console.error(`private key written to ${values.out} (keep it off the Worker and out of git)`);
  console.log(JSON.stringify({ encryptionPublicKey: spki }, null, 2));
}

async function reveal(): Promise<void> {
  if (!values.key || !argument) fail("reveal needs --key <private-key.pem> and the [enc:...] value");
  const pem = readFileSync(values.key, "utf8").replace(/-----[^-]+-----|\s/g, "");
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    Buffer.from(pem, "base64"),
    { name: "RSA-OAEP", hash: "SHA-256" },
    false,
    ["decrypt"],
  );
  console.log(await unseal(privateKey, argument));
}

switch (command) {
  case "check": {
    const path = argument ?? activePolicyPath();
    const policy = load(path);
    console.log(
      `${path}: valid, version ${policy.version}, ${policy.rules.length} rules (defaults included)`,
    );
    break;
  }
  case "test":
    await test(load(values.policy ?? activePolicyPath()));
    break;
  case "keygen":
    await keygen();
    break;
  case "reveal":
    await reveal();
    break;
  default:
    fail("usage: npm run policy -- check|test|keygen|reveal (see scripts/policy.ts)");
}
