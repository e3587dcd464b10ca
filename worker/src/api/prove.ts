import { Hono } from "hono";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { commitment, type MaskFinding } from "../mask/index.ts";
import { parseId } from "../read/query.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { readStores } from "../store/record-reader.ts";

const MAX_VALUE_LENGTH = 4096;

/**
 * Proof of masking: `POST /__verbatim/api/exchanges/:id/prove` with `{"value": "4242 4242 4242 4242"}`. A
 * compliance officer who holds an original value (the card number in a dispute) learns whether this exchange
 * masked exactly that value, and where, from the keyed commitments in its masking manifest (COMMITMENT_SECRET).
 *
 * Every call is a guess at a masked value, so it is an oracle: compliance only, PROVE_LIMIT calls per
 * principal, and each call (refused ones included) is in the audit log. Values too short to commit safely
 * (a CVV, a PIN) have no commitment at all, so no number of calls recovers them. The value is compared in
 * memory and never stored or logged.
 */
export const prove = new Hono<AccessEnv>();

route(prove, "POST", "/:id/prove", "compliance", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  const principal = c.get("principal");
  const limiter = c.env.PROVE_LIMIT;
  const allowed =
    limiter === undefined || principal === null || (await limiter.limit({ key: principal.id })).success;
  await audit(c, "prove", id, { allowed });
  if (!allowed)
    throw new VerbatimError(
      "rate_limited",
      "too many proofs asked for in the last minute; each call is audited",
    );
  let value: unknown;
  try {
    value = ((await c.req.json()) as { value?: unknown }).value;
  } catch {
    throw new VerbatimError("bad_query", 'the body must be JSON: {"value": "<the original value>"}');
  }
  if (typeof value !== "string" || value === "" || value.length > MAX_VALUE_LENGTH) {
    throw new VerbatimError(
      "bad_query",
      `"value" must be a non-empty string of at most ${MAX_VALUE_LENGTH} characters`,
    );
  }
  const key = c.get("config").commitmentSecret;
  if (key === null)
    throw new VerbatimError(
      "admin_disabled",
      "proofs are off: set COMMITMENT_SECRET (commitments are made only while it is set)",
    );
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  const wanted = commitment(key, value);
  const report = JSON.parse(row.mask_report) as (MaskFinding & { uncommitted?: string })[];
  const findings = report.filter((f) => f.commitments?.includes(wanted));
  return c.json({
    exchangeId: id,
    maskPolicy: row.mask_policy,
    matched: findings.length > 0,
    findings: findings.map((f) => ({ rule: f.rule, location: f.location })),
    // What cannot be proven: masked values with no commitment (too little entropy), named so nobody reads a
    // "no match" as "not this value".
    uncommitted: report
      .filter((f) => f.uncommitted !== undefined)
      .map((f) => ({ rule: f.rule, location: f.location, why: f.uncommitted })),
  });
});
