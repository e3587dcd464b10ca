import { describe, expect, it } from "vitest";
import { captureBody, readWithin } from "../../worker/src/snapshot/body-capture.ts";

type Kind = "bytes" | "default";

/**
 * A body of unknown length arriving in the given chunk sizes, optionally failing after them: a byte stream
 * (read with a BYOB reader, like the runtime's body streams) or a plain one (read chunk by chunk).
 */
function streamOf(kind: Kind, sizes: readonly number[], failAtEnd = false): ReadableStream<Uint8Array> {
  let i = 0;
  let next = 0;
  const source = {
    pull(controller: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController) {
      const size = sizes[i++];
      if (size === undefined) {
        if (failAtEnd) controller.error(new TypeError("origin reset"));
        else controller.close();
        return;
      }
      controller.enqueue(Uint8Array.from({ length: size }, () => next++ % 251));
    },
  };
  return kind === "bytes"
    ? (new ReadableStream({ type: "bytes", ...source }) as ReadableStream<Uint8Array>)
    : new ReadableStream<Uint8Array>(source);
}

const KINDS: Kind[] = ["bytes", "default"];

const expected = (total: number) => Uint8Array.from({ length: total }, (_, k) => k % 251);
const sum = (sizes: readonly number[]) => sizes.reduce((a, b) => a + b, 0);

describe("readWithin: a body of unknown length, read on the visitor's side up to a limit", () => {
  const whole: Array<[string, number[]]> = [
    ["an empty body", []],
    ["one chunk", [300]],
    ["several chunks exactly at the limit", [400, 400, 200]],
  ];
  const wholeCases = KINDS.flatMap((kind) => whole.map(([name, sizes]) => [kind, name, sizes] as const));
  it.each(wholeCases)("comes back whole (%s stream): %s", async (kind, _name, sizes) => {
    const result = await readWithin(streamOf(kind, sizes), 1000);
    expect(result).not.toBeInstanceOf(ReadableStream);
    if (result instanceof ReadableStream) return;
    expect(result).toMatchObject({ size: sum(sizes), truncated: false, error: null });
    expect(result.bytes).toEqual(expected(sum(sizes)));
  });

  const longer: Array<[string, number[]]> = [
    ["one byte over", [1001]],
    ["over in the middle of many chunks", [300, 300, 300, 300, 300, 300]],
    ["far over, past the first buffer", [40_000, 40_000, 30_000]],
  ];
  const longerCases = KINDS.flatMap((kind) => longer.map(([name, sizes]) => [kind, name, sizes] as const));
  it.each(longerCases)(
    "streams on, every byte in order, past the limit (%s stream): %s",
    async (kind, _name, sizes) => {
      const result = await readWithin(streamOf(kind, sizes), 1000);
      expect(result).toBeInstanceOf(ReadableStream);
      if (!(result instanceof ReadableStream)) return;
      const rest = await captureBody(result, 1_000_000);
      expect(rest.bytes).toEqual(expected(sum(sizes)));
    },
  );

  // A failed BYOB read takes its buffer with it: a byte stream keeps the reads that completed before it
  // (the first 32 KiB here), a plain stream every chunk that arrived. Either way a prefix, never other bytes.
  const failing: Array<[Kind, number]> = [
    ["bytes", 32 * 1024],
    ["default", 40_050],
  ];
  it.each(failing)(
    "keeps a prefix of what arrived and names the error when the body fails (%s stream keeps %i bytes)",
    async (kind, kept) => {
      const result = await readWithin(streamOf(kind, [40_000, 50], true), 1024 * 1024);
      if (result instanceof ReadableStream) throw new Error("expected the body read whole");
      expect(result).toMatchObject({ size: kept, error: "TypeError" });
      expect(result.bytes).toEqual(expected(kept));
    },
  );

  it("grows its buffer for a body longer than one read and still within the limit", async () => {
    const sizes = [30_000, 30_000, 30_000, 30_000, 10_000];
    const result = await readWithin(streamOf("bytes", sizes), 1024 * 1024);
    if (result instanceof ReadableStream) throw new Error("expected the body read whole");
    expect(result.bytes).toEqual(expected(sum(sizes)));
    // The bytes are a copy of their own size, not a view of the larger read buffer.
    expect(result.bytes.buffer.byteLength).toBe(sum(sizes));
  });

  it("cancels the source when the continued stream is cancelled", async () => {
    let cancelled: unknown = null;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(600));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const result = await readWithin(source, 1000);
    if (!(result instanceof ReadableStream)) throw new Error("expected a stream");
    await result.cancel("shard gone");
    expect(cancelled).toBe("shard gone");
  });
});
