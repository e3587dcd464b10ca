/**
 * Bytes into an R2 multipart upload in parts of exactly `partBytes` (R2 wants every part but the last the
 * same size, and at least 5 MiB). What is left over at the end of a Workflow step (less than a part) is the
 * carry: the step stores it and the next step starts from it, so memory stays about two parts whatever the
 * export's size. Part numbers follow from the state, so a retried step uploads the same parts again.
 */
export type UploadedPart = { partNumber: number; etag: string };

export const PART_BYTES = 8 * 1024 * 1024;

export class PartSink {
  readonly #upload: R2MultipartUpload;
  readonly #partBytes: number;
  readonly #parts: UploadedPart[];
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #written: number;

  constructor(
    upload: R2MultipartUpload,
    parts: readonly UploadedPart[],
    carry: Uint8Array,
    written: number,
    partBytes = PART_BYTES,
  ) {
    this.#upload = upload;
    this.#partBytes = partBytes;
    this.#parts = [...parts];
    this.#written = written;
    if (carry.byteLength > 0) {
      this.#pending.push(carry);
      this.#pendingBytes = carry.byteLength;
    }
  }

  /** Bytes of the archive so far (uploaded and pending). */
  get written(): number {
    return this.#written;
  }

  get parts(): UploadedPart[] {
    return [...this.#parts];
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength === 0) return;
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.byteLength;
    this.#written += bytes.byteLength;
    while (this.#pendingBytes >= this.#partBytes) await this.#uploadPart(this.#take(this.#partBytes));
  }

  /** What is left (less than a part): the step's carry. */
  carry(): Uint8Array {
    return this.#take(this.#pendingBytes);
  }

  /** Uploads what is left as the last part and completes the upload. */
  async complete(): Promise<R2Object> {
    const rest = this.carry();
    if (rest.byteLength > 0 || this.#parts.length === 0) await this.#uploadPart(rest);
    return this.#upload.complete(this.#parts);
  }

  async #uploadPart(bytes: Uint8Array): Promise<void> {
    const partNumber = this.#parts.length + 1;
    const part = await this.#upload.uploadPart(partNumber, bytes);
    this.#parts.push({ partNumber: part.partNumber, etag: part.etag });
  }

  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const head = this.#pending[0];
      if (!head) break;
      const used = Math.min(head.byteLength, n - at);
      out.set(head.subarray(0, used), at);
      at += used;
      if (used === head.byteLength) this.#pending.shift();
      else this.#pending[0] = head.subarray(used);
    }
    this.#pendingBytes -= n;
    return out;
  }
}
