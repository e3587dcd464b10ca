import { createServer, request, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";

/**
 * A transparent HTTP forwarder in front of an application, counting every request that reaches it. The
 * recorder's ORIGIN points here, so the count says how often the live application was asked anything:
 * during replay it must stay at zero. Headers (Host included) and bodies pass unchanged; WebSocket
 * upgrades are piped through.
 */
export type CountingProxy = {
  url: string;
  port: number;
  /** Requests forwarded since the last reset, as "METHOD /path?query". */
  requests: () => readonly string[];
  reset: () => void;
  close: () => Promise<void>;
};

export function startCountingProxy(target: { host: string; port: number }, port = 0): Promise<CountingProxy> {
  let seen: string[] = [];
  const server = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method ?? "GET"} ${incoming.url ?? "/"}`);
    const upstream = request(
      {
        host: target.host,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers as IncomingHttpHeaders,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  server.on("upgrade", (incoming, socket, head) => {
    seen.push(`${incoming.method ?? "GET"} ${incoming.url ?? "/"} (upgrade)`);
    const upstream = connect(target.port, target.host, () => {
      const lines = [`${incoming.method ?? "GET"} ${incoming.url ?? "/"} HTTP/1.1`];
      for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2)
        lines.push(`${incoming.rawHeaders[i] ?? ""}: ${incoming.rawHeaders[i + 1] ?? ""}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        port: bound,
        requests: () => seen,
        reset: () => {
          seen = [];
        },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
