import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/**
 * A misbehaving origin on loopback for the bad-input tests: real sockets, so a reset is a real TCP reset.
 * Every route is deterministic so tests can compare the visitor's bytes with what the origin sent.
 */
type Route = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => void;

export const LATIN1_PAGE = Buffer.from(
  '<!doctype html><html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Cr\xe8me br\xfbl\xe9e \xa3 12</p><p>Card 4111 1111 1111 1111</p></body></html>',
  "latin1",
);

export const INVALID_JSON = Buffer.from(
  '{"user": "alice", "password": "hunter2", "card": "4242424242424242", oops',
);

/** Deterministic pseudo-random bytes (for bodies that must not compress or repeat). */
export function noise(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}

/**
 * A page whose scripts and stylesheet carry Subresource Integrity hashes of the bytes served here. One
 * script holds a card number in a string literal: the recorder masks it, so its stored bytes no longer
 * match the hash and replay must drop that `integrity` attribute (and keep the others).
 */
export const SRI_ASSETS = {
  "/sri/plain.js": { type: "text/javascript", body: 'document.title = "plain script ran";\n' },
  "/sri/card.js": {
    type: "text/javascript",
    body: 'var card = "4111111111111111";\nwindow.cardScript = card;\n',
  },
  "/sri/plain.css": { type: "text/css", body: "body { color: #123456 }\n" },
} as const;

export function sriHash(algorithm: "sha256" | "sha384" | "sha512", body: string): string {
  return `${algorithm}-${createHash(algorithm).update(body).digest("base64")}`;
}

export const SRI_PAGE =
  "<!doctype html><html><head>" +
  `<link rel=stylesheet href=/sri/plain.css integrity=${sriHash("sha256", SRI_ASSETS["/sri/plain.css"].body)}>` +
  `<script src="/sri/plain.js" integrity="${sriHash("sha384", SRI_ASSETS["/sri/plain.js"].body)}" crossorigin="anonymous"></script>` +
  `<script src="/sri/card.js" integrity="${sriHash("sha384", SRI_ASSETS["/sri/card.js"].body)}" crossorigin="anonymous"></script>` +
  "</head><body><p>Scripts with integrity</p></body></html>";

/**
 * A single-page app that builds its API URLs from an absolute base the server wrote out, as Verdaccio does
 * (`window.__VERDACCIO_BASENAME_UI_OPTIONS`): in an inline script, a JSON island, a script file (with
 * integrity) and a JSON answer with escaped slashes. Replay must make the site's own origin root-relative.
 */
const APP_BASE = "https://shop.example/";
export const BASE_ASSETS = {
  "/base/app.js": {
    type: "text/javascript; charset=utf-8",
    body:
      `var api = "${APP_BASE}api/x"; // ${APP_BASE}comment\n` +
      "var re = /https:\\/\\/shop\\.example\\//;\n" +
      "fetch(`${window.__BASE.base}api/x`);\n",
  },
  "/base/options.json": {
    type: "application/json",
    body: '{"base":"https:\\/\\/shop.example\\/","cdn":"https://cdn.example/","origin":"https://shop.example"}',
  },
} as const;

export const BASE_PAGE =
  "<!doctype html><html><head>" +
  `<script>window.__BASE = {"base":"${APP_BASE}","other":"https://shop.example.evil/"};</script>` +
  `<script type="application/json" id="island">{"url":"${APP_BASE}island"}</script>` +
  `<script type="text/x-template">${APP_BASE}template</script>` +
  `<script src="/base/app.js" integrity="${sriHash("sha384", BASE_ASSETS["/base/app.js"].body)}"></script>` +
  `</head><body><p>${APP_BASE}text</p></body></html>`;

const ROUTES: Record<string, Route> = {
  "/latin1": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=iso-8859-1" });
    res.end(LATIN1_PAGE);
  },
  "/invalid-json": (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(INVALID_JSON);
  },
  "/gzip-html": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
    res.end(gzipSync(Buffer.from("<html><body><p>compressed page</p></body></html>")));
  },
  "/big-html": (_req, res, url) => {
    // A recorded type larger than the test's cap, streamed in chunks.
    const size = Number(url.searchParams.get("bytes") ?? "300000");
    res.writeHead(200, { "content-type": "text/html" });
    const chunk = Buffer.from("<p>0123456789 abcdefghij klmnopqrst uvwxyz ABCDEFGHIJ</p>\n".repeat(100));
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        if (!res.write(part)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  },
  "/reset-mid-body": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html", "content-length": "100000" });
    res.write("<html><body><p>first part of the page</p>");
    setTimeout(() => res.socket?.destroy(), 50);
  },
  "/slow-download": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    let n = 0;
    const timer = setInterval(() => {
      n++;
      if (res.destroyed || n > 200) {
        clearInterval(timer);
        if (!res.destroyed) res.end("</body></html>");
        return;
      }
      res.write(`<p>line ${n} ${"x".repeat(1000)}</p>\n`);
    }, 10);
    res.on("close", () => clearInterval(timer));
  },
  "/echo": (req, res, _url, body) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ method: req.method, headers: req.headers, body: body.toString("utf8"), url: req.url }),
    );
  },
  "/mirror": (req, res, _url, body) => {
    // Answers with the request's own body and type, and sets a cookie from a request header: one request
    // puts a generated secret on both sides of the exchange (used by the property-based masking test).
    const headers: Record<string, string> = {
      "content-type": String(
        req.headers["x-mirror-type"] ?? req.headers["content-type"] ?? "application/octet-stream",
      ),
    };
    const cookie = req.headers["x-mirror-cookie-token"];
    if (typeof cookie === "string") headers["set-cookie"] = `shop.sid=${cookie}; Path=/; HttpOnly`;
    res.writeHead(200, headers);
    res.end(body);
  },
  "/set-session": (_req, res, url) => {
    res.writeHead(200, {
      "content-type": "text/html",
      "set-cookie": `shop.sid=${url.searchParams.get("sid") ?? "s1"}; Path=/; HttpOnly`,
    });
    res.end("<html><body>logged in</body></html>");
  },
  "/binary": (_req, res) => {
    res.writeHead(200, { "content-type": "image/png" });
    res.end(noise(5000, 7));
  },
  "/not-modified": (req, res) => {
    if (req.headers["if-none-match"] === '"v1"') {
      res.writeHead(304, { etag: '"v1"' });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/css", etag: '"v1"' });
    res.end("body { color: #123456 }");
  },
  "/same-etag": (req, res) => {
    // An origin whose ETag never changes while its bytes do (a validator that lies): the body is the
    // x-body request header, padded to a fixed length so Content-Length matches too.
    const body = String(req.headers["x-body"] ?? "body")
      .padEnd(32, ".")
      .slice(0, 32);
    res.writeHead(200, { "content-type": "text/css", etag: '"same"', "content-length": String(body.length) });
    res.end(body);
  },
  "/self-references": (req, res) => {
    // An origin that names itself, as apps behind a reverse proxy do when they build absolute URLs.
    const self = `http://127.0.0.1:${req.socket.localPort}`;
    res.writeHead(302, {
      location: `${self}/latin1?after=login`,
      "content-location": `${self}/self-references.html`,
      refresh: `0; url='${self}/latin1'`,
      link: `<${self}/static/site.css>; rel=preload; as=style, <https://cdn.example/font.woff2>; rel=preload, </relative.js>; rel=preload`,
      "set-cookie": [
        "app.sid=s1; Domain=127.0.0.1; Path=/; HttpOnly",
        "other=1; Domain=cdn.example; Path=/",
        "plain=2; Path=/",
      ],
    });
    res.end();
  },
  "/redirect": (_req, res) => {
    res.writeHead(302, { location: "/latin1?token=abc123secret" });
    res.end();
  },
  "/sign-in": (_req, res, url) => {
    // A login form whose password field has a name no rule knows (`p`, as DokuWiki's): only its type says so.
    // `?action=` picks the action, so each test can have a form no other test taught the recorder.
    const action = url.searchParams.get("action") ?? "/login";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html><body><form method="post" action="${action}">` +
        '<input name="u"><input type="password" name="p"><button>Log in</button></form></body></html>',
    );
  },
  "/accept": (_req, res) => {
    // Takes any post and says nothing back: what is stored of the exchange is the request alone.
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  },
  "/sri": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(SRI_PAGE);
  },
  "/base": (_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(BASE_PAGE);
  },
  ...Object.fromEntries(
    Object.entries(BASE_ASSETS).map(([path, asset]): [string, Route] => [
      path,
      (_req, res) => {
        res.writeHead(200, { "content-type": asset.type, "cache-control": "max-age=3600" });
        res.end(asset.body);
      },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(SRI_ASSETS).map(([path, asset]): [string, Route] => [
      path,
      (_req, res) => {
        res.writeHead(200, { "content-type": asset.type, "cache-control": "max-age=3600" });
        res.end(asset.body);
      },
    ]),
  ),
};

export function startEdgeOrigin(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://origin");
      const route = ROUTES[url.pathname];
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      route(req, res, url, Buffer.concat(chunks));
    });
  });
  // A minimal WebSocket endpoint (RFC 6455 §4.2.2 handshake): greets with one text frame, then echoes
  // the number of bytes of every frame it receives as another text frame.
  server.on("upgrade", (req, socket) => {
    const accept = createHash("sha1")
      .update(`${req.headers["sec-websocket-key"] ?? ""}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const frame = (text: string) => Buffer.concat([Buffer.from([0x81, text.length]), Buffer.from(text)]);
    socket.write(frame("hello from origin"));
    socket.on("data", (data: Buffer) => socket.write(frame(`got ${data.length} bytes`)));
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}` });
    });
  });
}
