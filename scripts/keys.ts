/**
 * Fresh signing keys for a deployment (README "Deploy: evidence keys"):
 *
 *   npm run keys -- --name shop.example.com/verbatim-log
 *
 * Prints LOG_SIGNING_KEY (a note signer key, Ed25519: it signs the evidence log's tree heads, and its name
 * is the log's origin line) and EXPORT_SIGNING_KEY (ECDSA P-384, PKCS#8: it signs WACZ exports), each with
 * the public half to publish. Nothing is written anywhere: pipe each secret into `wrangler secret put`.
 */
import { parseArgs } from "node:util";
import { generateSignerKey } from "../worker/src/evidence/note-keys.ts";
import { generateExportKey } from "../worker/src/export/wacz-signing.ts";

const { values } = parseArgs({
  options: {
    name: { type: "string", default: "verbatim.example/log" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("usage: npm run keys -- [--name <log origin, e.g. shop.example.com/verbatim-log>]");
  process.exit(0);
}
const name = values.name ?? "verbatim.example/log";
if (!/^[^\s+]+$/.test(name)) {
  console.error(
    `--name must be one word without spaces or "+" (a log origin such as shop.example.com/verbatim-log)`,
  );
  process.exit(2);
}
const log = await generateSignerKey(name);
const exportKey = await generateExportKey();
console.log(`# The evidence log's key (tree heads). Secret:
LOG_SIGNING_KEY=${log.signerKey}
# Its public verifier key (served at GET /__verbatim/api/evidence/keys; pin it: npm run verify -- --log-key):
#   ${log.verifierKey}

# The WACZ export key (datapackage-digest.json). Secret:
EXPORT_SIGNING_KEY=${exportKey.pkcs8}
# Its public key (in every export's datapackage-digest.json; pin it: npm run verify -- --export-key):
#   ${exportKey.publicKey}

# Install them (each command reads the value from stdin):
#   wrangler secret put LOG_SIGNING_KEY
#   wrangler secret put EXPORT_SIGNING_KEY`);
