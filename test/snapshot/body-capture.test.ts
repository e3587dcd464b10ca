import { describe, expect, it } from "vitest";
import { captureBody, readWithin } from "../../worker/src/snapshot/body-capture.ts";

/** A body of unknown length arriving in the given chunk sizes, optionally failing after them. */
function streamOf(sizes: readonly number[], failAtEnd = false): ReadableStream<Uint8Array> {
  let i = 0;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = sizes[i++];
      if (size === undefined) {
        if (failAtEnd) controller.error(new TypeError("origin reset"));
        else controller.close();
        return;
      }
      controller.enqueue(Uint8Array.from({ length: size }, () => next++ % 251));
    },
  });
}

const expected = (total: number) => Uint8Array.from({ length: total }, (_, k) => k % 251);
const sum = (sizes: readonly number[]) => sizes.reduce((a, b) => a + b, 0);

describe("readWithin: a body of unknown length, read on the visitor's side up to a limit", () => {
  const whole: Array<[string, number[]]> = [
    ["an empty body", []],
    ["one chunk", [300]],
    ["several chunks exactly at the limit", [400, 400, 200]],
  ];
  it.each(whole)("comes back whole: %s", async (_name, sizes) => {
    const result = await readWithin(streamOf(sizes), 1000);
    expect(result).not.toBeInstanceOf(ReadableStream);
    if (result instanceof ReadableStream) return;
    expect(result).toMatchObject({ size: sum(sizes), truncated: false, error: null });
    expect(result.bytes).toEqual(expected(sum(sizes)));
  });

  const longer: Array<[string, number[]]> = [
    ["one byte over", [1001]],
    ["over in the middle of many chunks", [300, 300, 300, 300, 300, 300]],
  ];
  it.each(longer)("streams on, every byte in order, past the limit: %s", async (_name, sizes) => {
    const result = await readWithin(streamOf(sizes), 1000);
    expect(result).toBeInstanceOf(ReadableStream);
    if (!(result instanceof ReadableStream)) return;
    const rest = await captureBody(result, 1_000_000);
    expect(rest.bytes).toEqual(expected(sum(sizes)));
  });

  it("keeps what arrived and names the error when the body fails before the limit", async () => {
    const result = await readWithin(streamOf([100, 50], true), 1000);
    if (result instanceof ReadableStream) throw new Error("expected the body read whole");
    expect(result).toMatchObject({ size: 150, error: "TypeError" });
    expect(result.bytes).toEqual(expected(150));
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
