/**
 * The proxy benchmark's origin process (`node bench/lib/static-origin-child.ts`, captured responses as JSON
 * on stdin; see static-origin.ts). Answers each request with the captured response of the same method and
 * path (the workload's paths are distinct), byte for byte, with a fresh Date; prints "listening <port>".
 */
import { createServer } from "node:http";
import type { CapturedResponse } from "./static-origin.ts";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const captured = JSON.parse(Buffer.concat(chunks).toString("utf8")) as CapturedResponse[];
const responses = new Map(
  captured.map((c) => [
    `${c.method} ${c.path}`,
    { status: c.status, headers: c.headers.flat(), body: Buffer.from(c.bodyBase64, "base64") },
  ]),
);

const server = createServer((req, res) => {
  const found = responses.get(`${req.method} ${req.url}`);
  // Drain any request body before answering, as a real origin would read it.
  req.resume();
  req.on("end", () => {
    if (!found) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not captured");
      return;
    }
    // Raw header lines as captured (content-encoding, content-length where the shop sent one); Node adds
    // Date. write() before end(): without a captured length Node frames it chunked, as the shop's answers are.
    res.writeHead(found.status, found.headers);
    res.write(found.body);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
// A bench that crashed never calls close(): leave with it (an orphan is re-parented, its ppid changes).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
