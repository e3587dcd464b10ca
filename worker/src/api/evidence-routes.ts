import { Hono } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { evidenceLog, type TreeHead } from "../evidence/evidence-log.ts";
import { logVerifierKey } from "../evidence/log-keys.ts";
import { exportSigner } from "../export-job/export-signer.ts";
import { audit } from "../front/audit-look.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { route } from "../front/route-access.ts";
import { parseId, parseLimit } from "../read/query.ts";
import { verifyExchange } from "../read/verify-exchange.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { readStores } from "../store/record-reader.ts";

/**
 * The evidence log for compliance (docs/evidence.md): the published keys (public: anyone must be able to
 * check a head or an export), signed tree heads, inclusion and consistency proofs, and the verification of
 * one stored exchange against the latest head. Proof requests are audited like any look at the archive.
 */
export const evidenceApi = new Hono<AccessEnv>();

function parseSize(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (raw === undefined || raw === "" || !Number.isSafeInteger(value) || value < 0)
    throw new VerbatimError("bad_query", `${name} must be a tree size (a whole number ≥ 0)`);
  return value;
}

function headView(head: TreeHead) {
  return { size: head.size, signedAt: new Date(head.at).toISOString(), checkpoint: head.note };
}

/** The log's verifier key and the exports' public key; either is null when it is not configured. */
route(evidenceApi, "GET", "/evidence/keys", "public", async (c) => {
  const [log, exportKey] = await Promise.all([
    logVerifierKey(c.env).catch(() => null),
    exportSigner(c.env).then(
      (s) => s.publicKey,
      () => null,
    ),
  ]);
  return c.json({ log, export: exportKey });
});

route(evidenceApi, "GET", "/evidence/heads", "compliance", async (c) => {
  const limit = parseLimit(c.req.query("limit"), 24, 1000);
  const before = c.req.query("before");
  await audit(c, "evidence.read", null, { what: "heads" });
  const heads = await evidenceLog(c.env).heads(
    limit,
    before === undefined ? undefined : parseSize("before", before),
  );
  return c.json({ heads: heads.map(headView), size: await evidenceLog(c.env).size() });
});

route(evidenceApi, "GET", "/evidence/heads/latest", "compliance", async (c) => {
  await audit(c, "evidence.read", null, { what: "latest head" });
  const head = await evidenceLog(c.env).latest();
  if (!head) throw new VerbatimError("not_found", "no tree head has been signed yet");
  // The raw note, as transparency-log tools read a checkpoint.
  if (c.req.header("accept")?.includes("text/plain")) return c.text(head.note);
  return c.json(headView(head));
});

/** Signs a head now (the cron does it hourly); answers the head, new or the latest if nothing was added. */
route(evidenceApi, "POST", "/evidence/heads", "compliance", async (c) => {
  await audit(c, "evidence.sign", null);
  return c.json(headView(await evidenceLog(c.env).sign()));
});

route(evidenceApi, "GET", "/evidence/consistency", "compliance", async (c) => {
  const from = parseSize("from", c.req.query("from"));
  const to = parseSize("to", c.req.query("to"));
  if (from > to) throw new VerbatimError("bad_query", "from must not be larger than to");
  const log = evidenceLog(c.env);
  if (to > (await log.size())) throw new VerbatimError("bad_query", `the log has fewer than ${to} leaves`);
  await audit(c, "evidence.read", null, { what: "consistency", from, to });
  return c.json({ from, to, proof: await log.consistency(from, to) });
});

route(evidenceApi, "GET", "/exchanges/:id/inclusion", "compliance", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  const log = evidenceLog(c.env);
  const latest = await log.latest();
  const size = c.req.query("size") === undefined ? latest?.size : parseSize("size", c.req.query("size"));
  if (size === undefined || size === 0)
    throw new VerbatimError("not_found", "no tree head has been signed yet");
  const head = await log.head(size);
  if (!head) throw new VerbatimError("not_found", `no signed tree head of size ${size}`);
  await audit(c, "evidence.read", id, { what: "inclusion", size });
  const [inclusion] = await log.inclusion([id], size);
  if (!inclusion || "missing" in inclusion)
    throw new VerbatimError("not_found", `exchange ${id}: ${inclusion?.missing ?? "not in the log"}`);
  return c.json({ ...inclusion, head: headView(head) });
});

route(evidenceApi, "GET", "/exchanges/:id/verify", "compliance", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  await audit(c, "exchange.verify", id);
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  const verdict = await verifyExchange(
    row,
    new R2BlobStore(c.env.BLOBS),
    evidenceLog(c.env),
    await logVerifierKey(c.env),
  );
  return c.json(verdict);
});
