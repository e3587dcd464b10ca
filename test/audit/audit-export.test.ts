import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../worker/src/audit/audit-entry.ts";
import { exportJsonLines, verifyExport } from "../../worker/src/audit/audit-export.ts";
import { chainOf } from "./chain-fixture.ts";

async function exported(): Promise<{ text: string; chain: AuditEntry[] }> {
  const chain = await chainOf();
  const last = chain[chain.length - 1] as AuditEntry;
  return { text: new TextDecoder().decode(exportJsonLines(chain, last)), chain };
}

const lines = (text: string) => text.slice(0, -1).split("\n");
const unlines = (parts: readonly string[]) => `${parts.join("\n")}\n`;
/** Removes one line and lowers the trailer's count to match, as a careful forger would. */
function withoutLine(text: string, index: number): string {
  const parts = lines(text).filter((_, i) => i !== index);
  const trailer = JSON.parse(parts.pop() ?? "") as { entries: number };
  return unlines([...parts, JSON.stringify({ ...trailer, entries: trailer.entries - 1 })]);
}

describe("audit export", () => {
  it("writes one line per entry in a fixed field order, then the head, and verifies as the whole chain", async () => {
    const { text, chain } = await exported();
    const parts = lines(text);
    expect(parts).toHaveLength(6);
    expect(parts[3]).toMatch(
      /^\{"seq":4,"at":\d+,"actor":"cy@example.com","roles":\["compliance","support"\],"via":"access","action":"reveal","target":"x_42","detail":\{"field":"iban","reason":\{"ticket":1234\}\},"source":"2001:db8::1","prevHash":"[0-9a-f]{64}","hash":"[0-9a-f]{64}"\}$/,
    );
    expect(JSON.parse(parts[5] ?? "")).toEqual({ head: { seq: 5, hash: chain[4]?.hash }, entries: 5 });
    expect(await verifyExport(text)).toEqual({
      ok: true,
      head: { seq: 5, hash: chain[4]?.hash },
      entries: 5,
      complete: true,
    });
  });

  it("verifies a filtered export entry by entry, and says it is not the whole chain", async () => {
    const chain = await chainOf();
    const filtered = chain.filter((e) => e.actor !== "token:t_7");
    const check = await verifyExport(exportJsonLines(filtered, chain[4] ?? null));
    expect(check).toMatchObject({ ok: true, entries: 4, complete: false });
  });

  it("verifies an export of an empty log", async () => {
    expect(await verifyExport(exportJsonLines([], null))).toMatchObject({
      ok: true,
      entries: 0,
      complete: true,
    });
  });

  it.each([
    ["an edited value", (t: string) => t.replace('"target":"s_01HX"', '"target":"s_OTHER"'), 2],
    ["an edited detail", (t: string) => t.replace('"ticket":1234', '"ticket":1235'), 4],
    ["an added field", (t: string) => t.replace('{"seq":2,', '{"note":"x","seq":2,'), 2],
    ["two swapped lines", (t: string) => unlines([0, 2, 1, 3, 4, 5].map((i) => lines(t)[i] ?? "")), 3],
    ["a dropped line", (t: string) => unlines(lines(t).filter((_, i) => i !== 2)), 5],
    ["a missing trailer", (t: string) => unlines(lines(t).slice(0, -1)), 5],
    ["a file cut mid-line", (t: string) => t.slice(0, t.length - 40), 0],
    [
      "a malformed trailer",
      (t: string) => t.replace(/"hash":"[0-9a-f](?=[0-9a-f]{63}"\},"entries")/, '"hash":"x'),
      6,
    ],
    [
      "a last entry that is not the trailer's head",
      (t: string) => {
        const parts = lines(t);
        const trailer = JSON.parse(parts[5] ?? "") as { head: { hash: string } };
        trailer.head.hash = trailer.head.hash.replace(/^./, (c) => (c === "a" ? "b" : "a"));
        return unlines([...parts.slice(0, 5), JSON.stringify(trailer)]);
      },
      5,
    ],
  ])("detects %s (line %i)", async (_what, tamper, line) => {
    const { text } = await exported();
    expect(await verifyExport(tamper(text))).toMatchObject({ ok: false, line });
  });

  it("detects bytes that are not UTF-8", async () => {
    const bytes = exportJsonLines(await chainOf(), null);
    bytes[10] = 0xff;
    expect(await verifyExport(bytes)).toMatchObject({ ok: false, reason: "the file is not UTF-8" });
  });

  it("shows a dropped line with a recounted trailer only as an export that is not complete", async () => {
    // Entry by entry the rest still verifies; only an unfiltered export proves nothing is missing.
    const { text } = await exported();
    expect(await verifyExport(withoutLine(text, 2))).toMatchObject({ ok: true, entries: 4, complete: false });
  });
});
