/**
 * The HTTP message head at the start of a request, response or revisit block (WARC 1.1 §6.3-6.5): the
 * start line and the header fields, as the bytes say (RFC 9112 §2.1), for comparison with the evidence
 * record. Header values are read as UTF-8, as the export writes what the recorder stored.
 */
export type HttpHead = {
  startLine: string;
  /** The response's status code, or undefined for a request line. */
  status: number | undefined;
  /** The request's method and target, or undefined for a status line. */
  method: string | undefined;
  target: string | undefined;
  headers: Array<[string, string]>;
};

const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: .*)?$/;
const REQUEST_LINE = /^([A-Za-z!#$%&'*+.^_`|~0-9-]+) (\S+) HTTP\/\d(?:\.\d)?$/;

export function parseHttpHead(head: Uint8Array): HttpHead | null {
  const text = new TextDecoder().decode(head);
  if (!text.endsWith("\r\n\r\n")) return null;
  const [startLine = "", ...lines] = text.slice(0, -4).split("\r\n");
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  const status = STATUS_LINE.exec(startLine);
  const request = REQUEST_LINE.exec(startLine);
  if (!status && !request) return null;
  return {
    startLine,
    status: status?.[1] === undefined ? undefined : Number(status[1]),
    method: request?.[1],
    target: request?.[2],
    headers,
  };
}
