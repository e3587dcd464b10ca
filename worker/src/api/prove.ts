import { readStores } from "../store/record-reader.ts";
import { Hono } from "hono";
import { loadConfig } from "../config/config.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { commitment, type MaskFinding } from "../mask/index.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { parseId } from "../read/query.ts";

const MAX_VALUE_LENGTH = 4096;

/**
 * Proof of masking: `POST /__verbatim/api/exchanges/:id/prove` with `{"value": "4242 4242 4242 4242"}`. A
 * compliance officer who holds an original value (the card number in a dispute) learns whether this exchange
 * masked exactly that value, and where, from the keyed commitments in its masking manifest. The value is
 * compared in memory and never stored or logged.
 */
export const prove = new Hono<{ Bindings: Env }>();

prove.post("/:id/prove", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
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
  const loaded = loadConfig(c.env);
  if (!loaded.ok)
    throw new VerbatimError("storage_unavailable", "recorder is misconfigured; see /__verbatim/api/health");
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  const wanted = commitment(loaded.config.secret, value);
  const findings = (JSON.parse(row.mask_report) as MaskFinding[]).filter((f) =>
    f.commitments?.includes(wanted),
  );
  return c.json({
    exchangeId: id,
    maskPolicy: row.mask_policy,
    matched: findings.length > 0,
    findings: findings.map((f) => ({ rule: f.rule, location: f.location })),
  });
});
