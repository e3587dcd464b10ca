import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RECORDER_COOKIE } from "../../worker/src/proxy/recorder-cookie.ts";
import { exchangeFor, exchanges } from "../helpers/archive.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { sidCookie } from "../helpers/recorder-cookie.ts";
import { asIncoming, direct, SITE, visit } from "../helpers/visit.ts";

const edge = { ORIGIN: env.EDGE_ORIGIN };

type Echo = { method: string; headers: Record<string, string>; body: string; url: string };

async function echo(init: RequestInit = {}, path = "/echo"): Promise<Echo> {
  const result = await visit(new Request(`${SITE}${path}`, init), edge);
  return JSON.parse(result.text) as Echo;
}

describe("forwarding to the origin", () => {
  it("forwards method, path, query and body, and sets X-Forwarded-* headers", async () => {
    const seen = await echo(
      { method: "PUT", body: "payload", headers: { "cf-connecting-ip": "203.0.113.9" } },
      "/echo?a=1&b=2",
    );
    expect(seen.method).toBe("PUT");
    expect(seen.url).toBe("/echo?a=1&b=2");
    expect(seen.body).toBe("payload");
    expect(seen.headers["x-forwarded-host"]).toBe("shop.example");
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers["x-forwarded-for"]).toBe("203.0.113.9");
  });

  it("drops hop-by-hop headers, including any the Connection header names (RFC 9110 §7.6.1)", async () => {
    const seen = await echo({
      headers: {
        connection: "x-private-hop",
        "x-private-hop": "1",
        "keep-alive": "timeout=5",
        "x-end-to-end": "yes",
      },
    });
    expect(seen.headers["x-private-hop"]).toBeUndefined();
    expect(seen.headers["keep-alive"]).toBeUndefined();
    expect(seen.headers["x-end-to-end"]).toBe("yes");
  });

  it("never shows the origin the recorder's own cookie, and keeps the origin's cookies", async () => {
    const seen = await echo({ headers: { cookie: `a=1; ${RECORDER_COOKIE}=feedface; shop.sid=xyz` } });
    expect(seen.headers.cookie).toBe("a=1; shop.sid=xyz");
  });

  it("asks the origin only for content codings the recorder can decode", async () => {
    const seen = await echo({ headers: { "accept-encoding": "br, gzip;q=0.9, zstd, deflate" } });
    expect(seen.headers["accept-encoding"]).toBe("gzip;q=0.9, deflate");
  });

  it("passes redirects through to the visitor instead of following them", async () => {
    const result = await visit(new Request(`${SITE}/redirect`, { redirect: "manual" }), edge);
    expect(result.response.status).toBe(302);
    expect(result.response.headers.get("location")).toBe("/latin1?token=abc123secret");
    const row = await exchangeFor("/redirect");
    const location = (JSON.parse(row.response_headers) as [string, string][]).find(
      ([n]) => n === "location",
    )?.[1];
    expect(location).toBe("/latin1?token=%5BREDACTED%5D");
  });

  it("sets a first-party session cookie only for a visitor without one", async () => {
    const first = await visit(new Request(`${SITE}/latin1`), edge);
    const cookie = first.response.headers.getSetCookie().find((c) => c.startsWith(RECORDER_COOKIE));
    expect(cookie).toMatch(
      new RegExp(
        `^${RECORDER_COOKIE}=[0-9a-f]{32}\\.[A-Za-z0-9_-]{22}; Path=/; HttpOnly; SameSite=Lax; Secure$`,
      ),
    );
    const again = await visit(new Request(`${SITE}/latin1`, { headers: await sidCookie("again") }), edge);
    expect(again.response.headers.getSetCookie()).toEqual([]);
    const withOrigin = await visit(
      new Request(`${SITE}/latin1`, { headers: { cookie: "shop.sid=abc" } }),
      edge,
    );
    expect(withOrigin.response.headers.getSetCookie()).toEqual([]);
  });

  it("answers a visitor with a clear 502 page when the origin is unreachable, and records it", async () => {
    expectLogs("origin_unreachable");
    const result = await visit(new Request(`${SITE}/anything`), { ORIGIN: "http://127.0.0.1:9" });
    expect(result.response.status).toBe(502);
    expect(result.text).toContain("502 Bad Gateway");
    const row = await exchangeFor("/anything");
    expect(row.status).toBe(502);
    expect(row.error).toBe("origin_unreachable");
    expect(loggedEvents("origin_unreachable")).toHaveLength(1);
  });

  it("never forwards or records recorder paths", async () => {
    const before = (await exchanges()).length;
    const result = await visit(new Request(`${SITE}/__verbatim/not-a-page`), edge);
    expect(result.response.status).toBe(404);
    expect(result.response.headers.get("content-type")).toContain("application/json");
    expect(await exchanges()).toHaveLength(before);
  });

  it("proxies excluded paths without recording them", async () => {
    const before = (await exchanges()).length;
    const result = await visit(new Request(`${SITE}/healthz`), { ORIGIN: env.SHOP_ORIGIN });
    expect(result.text).toBe("ok");
    expect(await exchanges()).toHaveLength(before);
  });

  it("records a 304 pointing at the body it revalidated", async () => {
    const full = await visit(new Request(`${SITE}/not-modified`), edge);
    expect(full.response.status).toBe(200);
    const revalidation = await visit(
      new Request(`${SITE}/not-modified`, { headers: { "if-none-match": '"v1"' } }),
      edge,
    );
    expect(revalidation.response.status).toBe(304);
    const rows = (await exchanges()).filter((r) => r.url.endsWith("/not-modified"));
    expect(rows.map((r) => r.status)).toEqual([200, 304]);
    expect(rows[1]?.revalidated_digest).toBe(rows[0]?.response_body_digest);
  });

  it("stores gzip-encoded responses decoded while the visitor gets the encoded bytes", async () => {
    const result = await visit(new Request(`${SITE}/gzip-html`), edge);
    expect(result.response.headers.get("content-encoding")).toBe("gzip");
    expect(result.body[0]).toBe(0x1f);
    const row = await exchangeFor("/gzip-html");
    const { blobText } = await import("../helpers/archive.ts");
    expect(await blobText(row.response_body_digest)).toBe("<html><body><p>compressed page</p></body></html>");
  });

  it("streams server-sent events as they are produced and records only their metadata", async () => {
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const worker = (await import("../../worker/src/index.ts")).default;
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      asIncoming(new Request(`${SITE}/events`)),
      { ...env, ORIGIN: env.SHOP_ORIGIN },
      ctx,
    );
    const reader = response.body?.getReader();
    const started = Date.now();
    const first = await reader?.read();
    // The first event arrives long before the stream ends (3 events, 100 ms apart).
    expect(new TextDecoder().decode(first?.value)).toContain("data:");
    expect(Date.now() - started).toBeLessThan(150);
    while (!(await reader?.read())?.done) {
      /* drain */
    }
    await waitOnExecutionContext(ctx);
    const row = await exchangeFor("/events");
    expect(row.response_body_note).toBe("streaming_not_recorded");
  });

  it("passes WebSocket upgrades through to the origin", async () => {
    const { createExecutionContext } = await import("cloudflare:test");
    const worker = (await import("../../worker/src/index.ts")).default;
    const response = await worker.fetch(
      asIncoming(new Request(`${SITE}/ws`, { headers: { upgrade: "websocket" } })),
      { ...env, ...edge },
      createExecutionContext(),
    );
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (!socket) throw new Error("no websocket");
    socket.accept();
    const messages: string[] = [];
    const done = new Promise<void>((resolve) => {
      socket.addEventListener("message", (event) => {
        messages.push(String(event.data));
        if (messages.length === 2) resolve();
      });
    });
    socket.send("ping");
    await done;
    expect(messages[0]).toBe("hello from origin");
    expect(messages[1]).toMatch(/^got \d+ bytes$/);
    socket.close();
  });
});

describe("content codings", () => {
  it("asks the origin for no coding when the visitor asked for none", async () => {
    const seen = (await visit(new Request(`${SITE}/echo`), { ORIGIN: env.EDGE_ORIGIN })).text;
    expect((JSON.parse(seen) as Echo).headers["accept-encoding"]).toBe("identity");
  });

  /** A request as the edge hands it over: its own Accept-Encoding, the client's in `cf`. */
  const fromEdge = (path: string, clientAcceptEncoding: string) =>
    new Request(`${SITE}${path}`, {
      headers: { "accept-encoding": "br, gzip" },
      cf: { clientAcceptEncoding },
    } as RequestInit);

  const cases: Array<[string, string, string]> = [
    ["nothing (curl)", "", "identity"],
    ["gzip", "gzip", "gzip"],
    ["br and gzip", "br, gzip;q=0.8", "gzip;q=0.8"],
    ["only br", "br", "identity"],
  ];
  it.each(cases)(
    "asks the origin for what the client asked, not the edge, when the client sent %s",
    async (_name, client, expected) => {
      const seen = (await visit(fromEdge("/echo", client), edge)).text;
      expect((JSON.parse(seen) as Echo).headers["accept-encoding"]).toBe(expected);
    },
  );

  it("gives a client that sent no Accept-Encoding plain bytes from an origin that would gzip", async () => {
    const result = await visit(fromEdge("/", ""), { ORIGIN: env.SHOP_ORIGIN });
    expect(result.response.headers.get("content-encoding")).toBeNull();
    expect(result.text).toMatch(/^<!doctype html>/i);
  });

  it("passes gzip through byte for byte to a client that asked for it", async () => {
    const result = await visit(fromEdge("/", "gzip"), { ORIGIN: env.SHOP_ORIGIN });
    expect(result.response.headers.get("content-encoding")).toBe("gzip");
    expect([result.body[0], result.body[1]]).toEqual([0x1f, 0x8b]);
  });
});

describe("client addresses", () => {
  it("stores client IP headers truncated like the context", async () => {
    await visit(
      new Request(`${SITE}/latin1`, {
        headers: { "cf-connecting-ip": "203.0.113.77", "x-forwarded-for": "198.51.100.23, 10.1.2.3" },
      }),
      { ORIGIN: env.EDGE_ORIGIN },
    );
    const row = (await exchanges()).at(-1);
    const headers = Object.fromEntries(JSON.parse(row?.request_headers ?? "[]") as [string, string][]);
    expect(headers["cf-connecting-ip"]).toBe("203.0.113.0/24");
    expect(headers["x-forwarded-for"]).toBe("198.51.100.0/24, 10.1.2.0/24");
    expect(row?.context).toContain("203.0.113.0/24");
  });
});

describe("the origin's self-references (ORIGIN mode)", () => {
  const headersOf = (row: { response_headers: string }) =>
    JSON.parse(row.response_headers) as [string, string][];

  it("points Location, Content-Location, Refresh, Link and cookie domains at the visitor's host", async () => {
    const result = await visit(new Request(`${SITE}/self-references`, { redirect: "manual" }), edge);
    const headers = result.response.headers;
    expect(headers.get("location")).toBe(`${SITE}/latin1?after=login`);
    expect(headers.get("content-location")).toBe(`${SITE}/self-references.html`);
    expect(headers.get("refresh")).toBe(`0; url='${SITE}/latin1'`);
    expect(headers.get("link")).toBe(
      `<${SITE}/static/site.css>; rel=preload; as=style, <https://cdn.example/font.woff2>; rel=preload, </relative.js>; rel=preload`,
    );
    expect(headers.getSetCookie().filter((c) => !c.startsWith(RECORDER_COOKIE))).toEqual([
      "app.sid=s1; Domain=shop.example; Path=/; HttpOnly",
      "other=1; Domain=cdn.example; Path=/",
      "plain=2; Path=/",
    ]);
    expect(JSON.stringify(Object.fromEntries(headers))).not.toContain("127.0.0.1");
  });

  it("records the headers the visitor was sent, not the origin's", async () => {
    await visit(new Request(`${SITE}/self-references`, { redirect: "manual" }), edge);
    const recorded = headersOf(await exchangeFor("/self-references"));
    expect(recorded.find(([name]) => name === "location")?.[1]).toBe(`${SITE}/latin1?after=login`);
    expect(JSON.stringify(recorded)).not.toContain("127.0.0.1");
  });

  it("changes nothing in route mode (ORIGIN empty)", async () => {
    const { buildUpstreamRequest } = await import("../../worker/src/proxy/upstream-request.ts");
    const incoming = new Request(`${env.EDGE_ORIGIN}/self-references`, { redirect: "manual" });
    const upstream = buildUpstreamRequest({
      request: incoming,
      origin: null,
      forwardHost: false,
      clientIp: null,
      body: null,
      isWebSocket: false,
    });
    expect(upstream.url).toBe(incoming.url);
    const result = await visit(incoming, { ORIGIN: "" });
    const straight = await direct(env.EDGE_ORIGIN, "/self-references");
    for (const name of ["location", "content-location", "refresh", "link"])
      expect(result.response.headers.get(name), name).toBe(straight.response.headers.get(name));
    expect(result.response.headers.getSetCookie().filter((c) => !c.startsWith(RECORDER_COOKIE))).toEqual(
      straight.response.headers.getSetCookie(),
    );
  });
});

describe("the Host header (FORWARD_HOST)", () => {
  it("sends ORIGIN's host by default, with the visitor's in X-Forwarded-Host", async () => {
    const result = await visit(new Request(`${SITE}/echo`, { headers: { host: "shop.example" } }), edge);
    const seen = (JSON.parse(result.text) as Echo).headers;
    expect(seen.host).toBe(new URL(env.EDGE_ORIGIN).host);
    expect(seen["x-forwarded-host"]).toBe("shop.example");
  });

  it("when on, fetches the visitor's host resolved as ORIGIN's (the only Host a Worker can send)", async () => {
    const { buildUpstreamRequest } = await import("../../worker/src/proxy/upstream-request.ts");
    const upstream = buildUpstreamRequest({
      request: new Request(`${SITE}/cart?x=1`),
      origin: new URL("http://backend.shop.example:8080/app/"),
      forwardHost: true,
      clientIp: null,
      body: null,
      isWebSocket: false,
    });
    expect(upstream.url).toBe("http://shop.example:8080/app/cart?x=1");
    expect((upstream.cf as { resolveOverride?: string } | undefined)?.resolveOverride).toBe(
      "backend.shop.example",
    );
  });

  const configCases: Array<[string, Record<string, string>, RegExp | null]> = [
    ["accepts off", { FORWARD_HOST: "off", ORIGIN: "http://127.0.0.1:8080" }, null],
    [
      "accepts on with an ORIGIN host name",
      { FORWARD_HOST: "on", ORIGIN: "https://backend.shop.example" },
      null,
    ],
    [
      "accepts on in route mode, where the Host is the visitor's anyway",
      { FORWARD_HOST: "on", ORIGIN: "" },
      null,
    ],
    ["refuses anything but on or off", { FORWARD_HOST: "yes" }, /^FORWARD_HOST must be "on" .* got "yes"$/m],
    [
      "refuses on with an IP ORIGIN",
      { FORWARD_HOST: "on", ORIGIN: "http://127.0.0.1:8080" },
      /^FORWARD_HOST=on needs ORIGIN to name a host .*got "127\.0\.0\.1"/m,
    ],
    [
      "refuses on with a localhost ORIGIN",
      { FORWARD_HOST: "on", ORIGIN: "http://localhost:8080" },
      /^FORWARD_HOST=on needs ORIGIN/m,
    ],
  ];
  it.each(configCases)("config %s", async (_name, vars, error) => {
    const { parseConfig } = await import("../../worker/src/config/config.ts");
    const result = parseConfig({ ...env, ...vars });
    if (error === null) {
      expect(result.ok).toBe(true);
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.errors.join("\n")).toMatch(error);
        // A bad setting keeps the site proxied, the ordinary way.
        expect(result.passThrough?.forwardHost).toBe(false);
      }
    }
  });
});
