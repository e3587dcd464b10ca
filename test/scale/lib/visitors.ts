import { Agent, request } from "node:http";
import { browserHeaders } from "../../../bench/lib/visitor.ts";
import { PRODUCT_SLUGS } from "../../../examples/shop/src/products.ts";
import { sha256, TEST_ID_HEADER } from "./origin.ts";

type Destination = Parameters<typeof browserHeaders>[0];

/** One request a visitor made through the recorder, and what came back (raw bytes: no decoding here). */
export type Sent = {
  testId: string;
  path: string;
  status: number;
  sha256: string;
  bytes: number;
  /** A transport failure (connection refused or reset, timeout): the visitor got no answer at all. */
  error: string | null;
  /** Place among all the load's answers, in the order they completed (1 = first). */
  seq: number;
};

/** mulberry32: a small seeded generator, so a run's interleaving can be reproduced from its seed. */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** At most `limit` callers inside at once; the rest wait in arrival order. */
export class Gate {
  readonly #limit: number;
  #inside = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inside >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#inside++;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#inside--;
    }
  }
}

/**
 * The HTTP side of the load: keep-alive sockets (as many as requests in flight), raw bodies as received
 * (node:http does not decode), every request counted when its answer is complete.
 */
export class Client {
  readonly base: URL;
  readonly #agent: Agent;
  readonly #gate: Gate;
  completed = 0;

  constructor(base: string, concurrency: number) {
    this.base = new URL(base);
    this.#agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    this.#gate = new Gate(concurrency);
  }

  get(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; setCookies: string[]; body: Buffer; seq: number }> {
    return this.#gate.run(
      () =>
        new Promise((resolve, reject) => {
          const req = request(
            new URL(path, this.base),
            { agent: this.#agent, method: "GET", headers },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (chunk: Buffer) => chunks.push(chunk));
              res.on("error", reject);
              res.on("end", () => {
                resolve({
                  status: res.statusCode ?? 0,
                  setCookies: res.headers["set-cookie"] ?? [],
                  body: Buffer.concat(chunks),
                  seq: ++this.completed,
                });
              });
            },
          );
          req.setTimeout(60_000, () => req.destroy(new Error("no answer within 60 s")));
          req.on("error", (error) => {
            this.completed++;
            reject(error);
          });
          req.end();
        }),
    );
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * A visitor with a cookie jar of its own (or none: `keepsCookies` false, a client that refuses cookies).
 * Each request carries a unique `x-test-id` (`<visitor>-<n>`), which the origin tap and the recorded request
 * headers both show; a cookieless visitor's requests also carry it in the query (`vt=`), so its one-exchange
 * sessions can be found by URL.
 */
export class Visitor {
  readonly name: string;
  readonly keepsCookies: boolean;
  readonly jar = new Map<string, string>();
  readonly sent: Sent[] = [];
  readonly #client: Client;
  #n = 0;

  constructor(client: Client, name: string, keepsCookies: boolean) {
    this.#client = client;
    this.name = name;
    this.keepsCookies = keepsCookies;
  }

  async get(path: string, dest: Destination): Promise<Sent> {
    const testId = `${this.name}-${++this.#n}`;
    const target = this.keepsCookies ? path : `${path}${path.includes("?") ? "&" : "?"}vt=${testId}`;
    const headers: Record<string, string> = { ...browserHeaders(dest), [TEST_ID_HEADER]: testId };
    if (this.jar.size > 0) headers["cookie"] = [...this.jar].map(([n, v]) => `${n}=${v}`).join("; ");
    let sent: Sent;
    try {
      const answer = await this.#client.get(target, headers);
      if (this.keepsCookies) for (const line of answer.setCookies) this.#store(line);
      sent = {
        testId,
        path: target,
        status: answer.status,
        sha256: sha256(answer.body),
        bytes: answer.body.byteLength,
        error: null,
        seq: answer.seq,
      };
    } catch (error) {
      const seq = this.#client.completed;
      sent = { testId, path: target, status: 0, sha256: "", bytes: 0, error: String(error), seq };
    }
    this.sent.push(sent);
    return sent;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  #store(setCookie: string): void {
    const [pair = ""] = setCookie.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === "") this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

export const ASSETS: ReadonlyArray<readonly [string, Destination]> = [
  ["/static/site.css", "style"],
  ["/static/theme.css", "style"],
  ["/static/app.js", "script"],
  ["/static/img/logo.svg", "image"],
  ["/static/img/product.png", "image"],
];

/**
 * One visit, as a browser makes it: the home page; then an asset and the quote API together (a page's
 * subresources load in parallel); then a product page. Pauses between steps come from `random`, so the
 * visits of many visitors interleave differently.
 */
export async function browse(
  visitor: Visitor,
  random: () => number,
  options: { pauseMs: number; extraQuery?: string },
): Promise<void> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, random() * options.pauseMs));
  const product = pick(random, PRODUCT_SLUGS);
  const [asset, dest] = pick(random, ASSETS);
  await visitor.get("/", "document");
  await pause();
  await Promise.all([
    visitor.get(asset, dest),
    visitor.get(`/api/quote?product=${product}${options.extraQuery ?? ""}`, "empty"),
  ]);
  await pause();
  await visitor.get(`/products/${product}`, "document");
}
