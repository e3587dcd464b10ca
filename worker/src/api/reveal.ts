import { Hono } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";
import { parseId } from "../read/query.ts";
import { revealAll, sealedIn, type SealedText } from "../read/reveal.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { readStores } from "../store/record-reader.ts";

const MAX_KEY_LENGTH = 16 * 1024;
/** Bodies larger than this are not searched for sealed values (sealed values live in forms, URLs, JSON). */
const MAX_SEARCHED_BODY = 4 * 1024 * 1024;

/**
 * `POST /__verbatim/api/exchanges/:id/reveal` with `{"privateKey": "<PKCS#8 PEM>"}` (compliance): opens the
 * values `encrypt` rules sealed in this exchange's URL, headers and bodies. The key is used for this request
 * only; the answer is never cached; the audit entry names how many values were opened and where, never them.
 */
export const reveal = new Hono<AccessEnv>();

route(reveal, "POST", "/:id/reveal", "compliance", async (c) => {
  const id = parseId("exchange id", c.req.param("id"));
  let pem: unknown;
  try {
    pem = ((await c.req.json()) as { privateKey?: unknown }).privateKey;
  } catch {
    throw new VerbatimError("bad_query", 'the body must be JSON: {"privateKey": "<PKCS#8 PEM>"}');
  }
  if (typeof pem !== "string" || pem.length === 0 || pem.length > MAX_KEY_LENGTH)
    throw new VerbatimError("bad_query", '"privateKey" must be the policy\'s private key as PKCS#8 PEM');
  const row = await new ArchiveReader(readStores(c.env)).getExchange(id);
  if (!row) throw new VerbatimError("not_found", `no exchange ${id}`);
  const blobs = new R2BlobStore(c.env.BLOBS);
  const texts: SealedText[] = [
    { where: "url", text: row.url },
    { where: "request headers", text: row.request_headers },
    { where: "response headers", text: row.response_headers },
  ];
  for (const [where, digest, size] of [
    ["request body", row.request_body_digest, row.request_body_size],
    ["response body", row.response_body_digest, row.response_body_size],
  ] as const) {
    if (digest === null || (size ?? 0) > MAX_SEARCHED_BODY) continue;
    const bytes = await blobs.get(digest);
    if (bytes) texts.push({ where, text: new TextDecoder().decode(bytes) });
  }
  const where = sealedIn(texts).map((f) => f.where);
  await audit(c, "reveal", id, { values: where.length, where: [...new Set(where)] });
  let revealed;
  try {
    revealed = await revealAll(pem, texts);
  } catch {
    throw new VerbatimError("bad_query", "that is not a PKCS#8 RSA private key (PEM)");
  }
  c.header("cache-control", "no-store");
  return c.json({ exchangeId: id, maskPolicy: row.mask_policy, revealed });
});
