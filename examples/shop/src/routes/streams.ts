import { Hono } from "hono";
import { ShopError } from "../shop-error.ts";

/** Three events, 100 ms apart: long enough that a buffering proxy visibly delays the first one. */
const EVENTS = [
  { event: "quote", data: { n: 1, message: "Prices refreshed" } },
  { event: "quote", data: { n: 2, message: "Offers updated" } },
  { event: "done", data: { n: 3, message: "Stream complete" } },
] as const;
const EVENT_INTERVAL_MS = 100;

const MIB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const MAX_MIB = 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Byte at `offset` of every download: deterministic so a recorded copy can be compared with a fresh one. */
export function downloadByte(offset: number): number {
  return (offset ^ (offset >>> 8) ^ (offset >>> 16) ^ (offset >>> 24)) & 0xff;
}

/** Streams that must not be buffered by anything in front of the shop. */
export function streamRoutes(): Hono {
  const app = new Hono();

  // text/event-stream (HTML Living Standard §9.2); the compress middleware skips this type by design.
  app.get("/events", () => {
    const encoder = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = EVENTS[sent];
          if (next === undefined) return controller.close();
          if (sent > 0) await sleep(EVENT_INTERVAL_MS);
          sent++;
          controller.enqueue(
            encoder.encode(`id: ${sent}\nevent: ${next.event}\ndata: ${JSON.stringify(next.data)}\n\n`),
          );
          if (sent === EVENTS.length) controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" },
    });
  });

  // Pull-based with highWaterMark 0: a chunk is only generated when the consumer asks, so memory stays flat.
  app.get("/download/big", (c) => {
    const mb = Number(c.req.query("mb") ?? "1");
    if (!Number.isInteger(mb) || mb < 0 || mb > MAX_MIB) {
      throw new ShopError("bad_request", `GET /download/big: mb must be an integer from 0 to ${MAX_MIB}`);
    }
    const total = mb * MIB;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= total) return controller.close();
          const chunk = new Uint8Array(Math.min(CHUNK_BYTES, total - offset));
          for (let i = 0; i < chunk.length; i++) chunk[i] = downloadByte(offset + i);
          offset += chunk.length;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(total),
        "Content-Disposition": `attachment; filename="big-${mb}mib.bin"`,
      },
    });
  });

  return app;
}
