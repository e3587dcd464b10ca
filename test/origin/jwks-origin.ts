import { createServer } from "node:http";

/**
 * A stand-in Access team domain on loopback: serves a key set at /cdn-cgi/access/certs, as Access does, so the
 * Worker's remote JWKS cache is tested over a real socket. The test publishes its own public keys
 * (`PUT /cdn-cgi/access/certs`, which also zeroes the count) and reads how often the set was fetched
 * (`GET /hits`); private keys never leave the test.
 */
const CERTS_PATH = "/cdn-cgi/access/certs";

export function startJwksOrigin(): Promise<{ url: string; close: () => Promise<void> }> {
  let jwks: string | null = null;
  let hits = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://jwks.invalid").pathname;
    if (path === CERTS_PATH && req.method === "PUT") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        jwks = Buffer.concat(chunks).toString("utf8");
        hits = 0;
        res.writeHead(204).end();
      });
      return;
    }
    if (path === CERTS_PATH && req.method === "GET" && jwks !== null) {
      hits += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
      return;
    }
    if (path === "/hits") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits }));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
