import { describe, expect, it } from "vitest";
import { linesOf, mergeSorted } from "../../worker/src/export/cdxj-merge.ts";
import { datapackageJson } from "../../worker/src/export/datapackage.ts";
import { pageLine, pagesHeader } from "../../worker/src/export/pages.ts";
import { exchangeInput, utf8 } from "./exchange-fixtures.ts";

describe("datapackageJson", () => {
  const entries = [
    { name: "archive/data-00001.warc.gz", offset: 0, size: 5000, crc: 1, sha256: "aa".repeat(32) },
    { name: "evidence/records-00001.jsonl", offset: 5100, size: 700, crc: 2, sha256: "bb".repeat(32) },
    { name: "pages/pages.jsonl", offset: 5900, size: 80, crc: 3, sha256: "cc".repeat(32) },
    { name: "datapackage.json", offset: 6000, size: 10, crc: 4, sha256: "dd".repeat(32) },
  ];

  it("lists every other entry with its path, base name, sha256 and size, in zip order", () => {
    const pkg: unknown = JSON.parse(
      datapackageJson(entries, {
        title: "shop.example, 2026-03-14",
        description: "Every exchange of the day.",
        created: "2026-03-15T00:05:00Z",
        software: "Verbatim 0.1.0",
        home: { url: "https://shop.example/", ts: "2026-03-14T09:26:53.589Z" },
      }),
    );
    expect(pkg).toEqual({
      profile: "data-package",
      title: "shop.example, 2026-03-14",
      description: "Every exchange of the day.",
      created: "2026-03-15T00:05:00Z",
      software: "Verbatim 0.1.0",
      home: { url: "https://shop.example/", ts: "2026-03-14T09:26:53.589Z" },
      resources: [
        {
          name: "data-00001.warc.gz",
          path: "archive/data-00001.warc.gz",
          hash: `sha256:${"aa".repeat(32)}`,
          bytes: 5000,
        },
        {
          name: "records-00001.jsonl",
          path: "evidence/records-00001.jsonl",
          hash: `sha256:${"bb".repeat(32)}`,
          bytes: 700,
        },
        { name: "pages.jsonl", path: "pages/pages.jsonl", hash: `sha256:${"cc".repeat(32)}`, bytes: 80 },
      ],
    });
  });

  it("leaves out what was not given", () => {
    const pkg = JSON.parse(datapackageJson([], { title: "t", created: "c", software: "s" })) as Record<
      string,
      unknown
    >;
    expect(Object.keys(pkg)).toEqual(["profile", "title", "created", "software", "resources"]);
  });
});

describe("pages", () => {
  it("starts with the json-pages-1.0 header", () => {
    expect(JSON.parse(pagesHeader("Día 14"))).toEqual({
      format: "json-pages-1.0",
      id: "pages",
      title: "Día 14",
    });
  });

  it.each([
    [
      true,
      { id: "p-1", url: "https://shop.example/checkout", ts: "2026-03-14T09:26:53.589Z", session: "s-0001" },
    ],
    [false, null],
  ])("page view %s → %j", async (pageView, expected) => {
    const { row } = await exchangeInput({
      id: "p-1",
      url: "https://shop.example/checkout",
      startedAt: Date.UTC(2026, 2, 14, 9, 26, 53, 589),
      pageView,
      responseHeaders: [],
    });
    const line = pageLine(row);
    expect(line === null ? null : JSON.parse(line)).toEqual(expected);
    expect(line ?? "").not.toContain("\n");
  });
});

/** A stream delivering `text` in the given byte-sized pieces, to cut lines and characters anywhere. */
function streamOf(text: string, pieces: readonly number[]): ReadableStream<Uint8Array> {
  const bytes = utf8(text);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const size of pieces) {
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  chunks.push(bytes.subarray(at));
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* listed(lines: readonly string[]): AsyncGenerator<string> {
  yield* lines;
}

describe("linesOf", () => {
  it.each([
    ["lines ending in \\n", "a 1\nb 2\n", [3], ["a 1", "b 2"]],
    ["a last line without a newline", "a 1\nb 2", [5], ["a 1", "b 2"]],
    ["CRLF endings", "a 1\r\nb 2\r\n", [4], ["a 1", "b 2"]],
    ["a character cut between chunks", "é 1\n€ 2\n", [1, 5], ["é 1", "€ 2"]],
    ["a line longer than a chunk", `${"x".repeat(100)}\ny\n`, [7, 7, 7], ["x".repeat(100), "y"]],
    ["an empty stream", "", [], []],
  ] as const)("splits %s", async (_name, text, pieces, expected) => {
    expect(await all(linesOf(streamOf(text, pieces)))).toEqual(expected);
  });
});

describe("mergeSorted", () => {
  it("merges sorted runs into the order one sort of everything gives", async () => {
    // Three slices' index runs: keys interleave, repeat across runs, and one run is empty.
    const runs = [
      [
        "com,example)/ 20260314000001 {}",
        "com,example)/a 20260314000003 {}",
        "org,shop)/z 20260314000009 {}",
      ],
      [],
      [
        "com,example)/ 20260314000000 {}",
        'com,example)/a 20260314000003 {"o":2}',
        "com,example)/b 20260314000002 {}",
      ],
      ["net,cdn)/app.js 20260314000005 {}"],
    ];
    const expected = runs.flat().sort();
    expect(await all(mergeSorted(runs.map(listed)))).toEqual(expected);
  });

  it("reads each run only as far as the output has got", async () => {
    const pulled: string[] = [];
    async function* run(name: string, lines: readonly string[]) {
      for (const line of lines) {
        pulled.push(`${name}:${line}`);
        yield line;
      }
    }
    const merged = mergeSorted([run("a", ["1", "4", "5"]), run("b", ["2", "3", "6"])]);
    expect((await merged.next()).value).toBe("1");
    // Each run's first line, to know which comes first: nothing more yet.
    expect(pulled).toEqual(["a:1", "b:2"]);
    expect((await merged.next()).value).toBe("2");
    // Then only a's next line, to replace the "1" that went out.
    expect(pulled).toEqual(["a:1", "b:2", "a:4"]);
  });
});
