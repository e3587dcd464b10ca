import { serve } from "@hono/node-server";
import { createHash } from "node:crypto";
import { createShop } from "../../../examples/shop/src/app.ts";

/** What the origin sent for one tagged request: its status and a digest of the exact bytes it put on the wire. */
export type OriginAnswer = { status: number; sha256: string; bytes: number; times: number };

export type WatchedShop = {
  url: string;
  /** By the request's `x-test-id`: every answer the origin gave to a tagged request. */
  answers: ReadonlyMap<string, OriginAnswer>;
  /** Requests that reached the origin without a test id (none are expected). */
  untagged: () => number;
  close: () => Promise<void>;
};

export const TEST_ID_HEADER = "x-test-id";

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The demo shop on loopback (as bench/lib/shop.ts starts it) with a tap between the app and the socket: the
 * response bytes of every request carrying an `x-test-id` are digested as they leave the app (compressed
 * when the visitor asked for gzip), so each visitor's answer can be compared with what the origin sent.
 */
export function startWatchedShop(): Promise<WatchedShop> {
  const app = createShop();
  const answers = new Map<string, OriginAnswer>();
  let untagged = 0;
  return new Promise((resolve) => {
    const server = serve(
      {
        port: 0,
        hostname: "127.0.0.1",
        fetch: async (request) => {
          const response = await app.fetch(request);
          const id = request.headers.get(TEST_ID_HEADER);
          if (id === null) {
            untagged++;
            return response;
          }
          const bytes = response.body === null ? null : new Uint8Array(await response.arrayBuffer());
          const empty = new Uint8Array(0);
          answers.set(id, {
            status: response.status,
            sha256: sha256(bytes ?? empty),
            bytes: bytes?.byteLength ?? 0,
            times: (answers.get(id)?.times ?? 0) + 1,
          });
          return new Response(bytes, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
        },
      },
      (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          answers,
          untagged: () => untagged,
          close: () => new Promise((done) => server.close(() => done())),
        }),
    );
  });
}
