import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INVALID_JSON, LATIN1_PAGE } from "../origin/edge-origin.ts";
import { blob, blobText, exchangeFor, exchanges } from "../helpers/archive.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { asIncoming, direct, indexed, SITE, sameBytes, visit } from "../helpers/visit.ts";

const edge = () => ({ ORIGIN: env.EDGE_ORIGIN });

describe("bad input", () => {
  it("forwards a malformed percent-encoded URL and records it without crashing", async () => {
    const result = await visit(new Request(`${SITE}/%E0%A4%A?q=%ZZ&token=%E0`), edge());
    expect(result.response.status).toBe(404);
    const row = await exchangeFor("%E0%A4%A");
    expect(row.status).toBe(404);
    expect(row.url).not.toContain("token=%E0");
  });

  it("gives the visitor every byte of an oversize body and records it as truncated with the size seen", async () => {
    const bytes = 300_000;
    const result = await visit(new Request(`${SITE}/big-html?bytes=${bytes}`), {
      ...edge(),
      BODY_CAP_BYTES: "100000",
    });
    const straight = await direct(env.EDGE_ORIGIN, `/big-html?bytes=${bytes}`);
    expect(result.body.length).toBe(bytes);
    expect(sameBytes(result.body, straight.body)).toBe(true);
    const row = await exchangeFor("/big-html");
    expect(row.response_body_note).toContain("truncated");
    expect(row.response_body_size).toBe(bytes);
    const stored = await blob(row.response_body_digest);
    expect(stored.length).toBeLessThanOrEqual(100_000);
    expect(sameBytes(stored, straight.body.subarray(0, stored.length))).toBe(true);
  });

  it("masks invalid JSON labelled application/json instead of storing it raw", async () => {
    const result = await visit(new Request(`${SITE}/invalid-json`), edge());
    expect(sameBytes(result.body, new Uint8Array(INVALID_JSON))).toBe(true);
    const stored = await blobText((await exchangeFor("/invalid-json")).response_body_digest);
    expect(stored).not.toContain("hunter2");
    expect(stored).not.toContain("4242424242424242");
    expect(stored).toContain('"password": "[REDACTED]"');
    expect(stored).toContain("XXXXXXXXXXXX4242");
  });

  it("keeps a non-UTF-8 page byte-identical in storage except for the masked card digits", async () => {
    const result = await visit(new Request(`${SITE}/latin1`), edge());
    expect(sameBytes(result.body, new Uint8Array(LATIN1_PAGE))).toBe(true);
    const stored = await blob((await exchangeFor("/latin1")).response_body_digest);
    const expected = new Uint8Array(
      Buffer.from(
        LATIN1_PAGE.toString("latin1").replace("4111 1111 1111 1111", "XXXX XXXX XXXX 1111"),
        "latin1",
      ),
    );
    expect(sameBytes(stored, expected)).toBe(true);
  });

  it("records an origin that resets the connection mid-body as an error, keeping earlier records", async () => {
    expectLogs("recorder_failure");
    await visit(new Request(`${SITE}/latin1`), edge());
    const visitorRead = visit(new Request(`${SITE}/reset-mid-body`), edge());
    // The visitor sees the same broken connection they would see without the recorder.
    await expect(visitorRead).rejects.toThrow();
    // The recording runs to its end even though the visitor's read failed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const row = await exchangeFor("/reset-mid-body");
    expect(row.error).toBe("origin_stream_error");
    expect(loggedEvents("recorder_failure").map((r) => r["stage"])).toEqual(["capture"]);
    expect(row.response_body_note).toContain("partial");
    // Whatever arrived before the reset (workerd's tee may drop it) is a prefix of what was sent.
    if (row.response_body_digest) expect(await blobText(row.response_body_digest)).toMatch(/^<html><body>/);
    expect((await exchangeFor("/latin1")).response_body_digest).not.toBeNull();
  });

  it("survives a visitor that disconnects mid-download, keeping earlier records", async () => {
    await visit(new Request(`${SITE}/latin1`), edge());
    const before = (await exchanges()).length;
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const worker = (await import("../../worker/src/index.ts")).default;
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      asIncoming(new Request(`${SITE}/slow-download`)),
      { ...env, ...edge() },
      ctx,
    );
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(first?.done).toBe(false);
    await reader?.cancel("visitor went away");
    await waitOnExecutionContext(ctx);
    await indexed();
    const rows = await exchanges();
    expect(rows.length).toBe(before + 1);
    expect(rows.some((r) => r.url.includes("/latin1"))).toBe(true);
    expect((await exchangeFor("/slow-download")).status).toBe(200);
  });
});
