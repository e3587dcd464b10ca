/**
 * The index of an export is built from sorted runs (one per slice, each a stored object) merged at the
 * end, so no step ever holds the day's index. Both helpers stream: memory is one pending line per run.
 * Order is JavaScript string order (UTF-16 code units); it equals the byte order the CDXJ spec asks for
 * (LC_ALL=C sort) because searchable URLs are ASCII (hosts are punycode, paths percent-encoded).
 */

/** The lines of a UTF-8 stream, without their "\n" (or "\r\n"); a last line without one is still a line. */
export async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += value;
      let start = 0;
      for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n", start)) {
        yield stripCr(pending.slice(start, newline));
        start = newline + 1;
      }
      pending = pending.slice(start);
    }
  } finally {
    reader.releaseLock();
  }
  if (pending !== "") yield stripCr(pending);
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

type Head = { line: string; run: AsyncIterator<string> };

/**
 * A k-way merge of sorted runs into one sorted sequence, with a binary heap of each run's next line.
 * Equal lines all come out (two records cannot have the same line: offsets or files differ).
 */
export async function* mergeSorted(runs: AsyncIterable<string>[]): AsyncGenerator<string> {
  const heap: Head[] = [];
  for (const iterable of runs) {
    const run = iterable[Symbol.asyncIterator]();
    const first = await run.next();
    if (!first.done) push(heap, { line: first.value, run });
  }
  for (;;) {
    const top = heap[0];
    if (!top) return;
    yield top.line;
    const next = await top.run.next();
    if (next.done) {
      const last = heap.pop();
      if (last && heap.length > 0) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    } else {
      top.line = next.value;
      siftDown(heap, 0);
    }
  }
}

function push(heap: Head[], head: Head): void {
  heap.push(head);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    const c = heap[i];
    if (!p || !c || p.line <= c.line) break;
    heap[parent] = c;
    heap[i] = p;
    i = parent;
  }
}

function siftDown(heap: Head[], start: number): void {
  let i = start;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    const s = () => heap[smallest]?.line ?? "";
    if (left < heap.length && (heap[left]?.line ?? "") < s()) smallest = left;
    if (right < heap.length && (heap[right]?.line ?? "") < s()) smallest = right;
    if (smallest === i) return;
    const a = heap[i];
    const b = heap[smallest];
    if (!a || !b) return;
    heap[i] = b;
    heap[smallest] = a;
    i = smallest;
  }
}
