import type { ZipEntry, ZipFile } from "./zip-file.ts";

/**
 * The lines of a JSON Lines or CDXJ entry, streamed: numbered from 1, without their newline, the last
 * line kept even without a final newline. A line longer than `maxLine` is refused rather than buffered.
 */
export async function* entryLines(
  zip: ZipFile,
  entry: ZipEntry,
  maxLine = 16 << 20,
): AsyncGenerator<{ number: number; text: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let pending = "";
  let number = 0;
  for await (const chunk of zip.stream(entry)) {
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n", start)) {
      yield { number: ++number, text: pending.slice(start, newline) };
      start = newline + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLine)
      throw new RangeError(`${entry.name} line ${number + 1} is longer than ${maxLine} characters`);
  }
  pending += decoder.decode();
  if (pending !== "") yield { number: ++number, text: pending };
}
