/**
 * Reads the recorder's branch of a teed body to the end, keeping at most `cap` bytes. It always drains the
 * whole stream: in workerd a tee branch left unread holds back (or piles up behind) the visitor's branch.
 */
export type CapturedBody = {
  bytes: Uint8Array;
  /** Bytes seen on the wire, including any past the cap. */
  size: number;
  truncated: boolean;
  /** Set when the stream errored before its end (origin reset, visitor gone): `bytes` holds what arrived. */
  error: string | null;
};

export async function captureBody(
  stream: ReadableStream<Uint8Array>,
  cap: number,
  declaredLength: number | null = null,
): Promise<CapturedBody> {
  // A body that declares a length within the cap is read natively in one go: the chunk-by-chunk loop below
  // is the recorder's single largest CPU cost per exchange. A body longer than declared is an HTTP framing
  // error the runtime reports as a stream error.
  if (declaredLength !== null && declaredLength <= cap) {
    try {
      const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      return { bytes, size: bytes.byteLength, truncated: false, error: null };
    } catch (cause) {
      return { bytes: new Uint8Array(0), size: 0, truncated: false, error: errorName(cause) };
    }
  }
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let size = 0;
  let error: string | null = null;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (kept < cap) {
        const take = Math.min(value.byteLength, cap - kept);
        chunks.push(take === value.byteLength ? value : value.subarray(0, take));
        kept += take;
      }
    }
  } catch (cause) {
    error = errorName(cause);
  } finally {
    reader.releaseLock();
  }
  return { bytes: concat(chunks, kept), size, truncated: size > cap, error };
}

/**
 * Reads a body of unknown length as far as `limit` bytes. A body that ends within them comes back whole
 * (as captureBody's result); a longer one comes back as a stream that yields the bytes read so far and then
 * the rest, so the caller can hand it on without having held more than `limit` bytes.
 */
export async function readWithin(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<CapturedBody | ReadableStream<Uint8Array>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) return continued(chunks, reader);
    }
  } catch (cause) {
    reader.releaseLock();
    return { bytes: concat(chunks, size), size, truncated: false, error: errorName(cause) };
  }
  reader.releaseLock();
  return { bytes: concat(chunks, size), size, truncated: false, error: null };
}

/** The chunks already read, then whatever the reader still holds; cancelling it cancels the source. */
function continued(
  chunks: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      chunks.length = 0;
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export function concat(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  const length = total ?? chunks.reduce((sum, c) => sum + c.byteLength, 0);
  if (chunks.length === 1 && chunks[0]?.byteLength === length) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function errorName(cause: unknown): string {
  return cause instanceof Error && cause.name !== "Error" ? cause.name : "stream_error";
}
