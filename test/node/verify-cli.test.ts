import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExport, type BuiltExport } from "./lib/build-export.ts";
import { flipByte } from "./lib/tamper.ts";

/**
 * The verifier as a compliance officer runs it: `node scripts/verify.ts` (what `npm run verify` runs) and
 * `scripts/verbatim.ts verify` (what `npx verbatim verify` runs), as child processes, with keys given
 * inline and as files. Exit status 0 verified, 1 a check failed, 2 usage or unreadable file.
 */
const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
let built: BuiltExport;
const paths = { good: "", flipped: "", logKey: "", exportKey: "" };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-verify-cli-"));
  built = await buildExport();
  const warc = built.entries.get("archive/data-00001.warc.gz");
  if (!warc) throw new Error("no WARC in the fixture");
  const files: Array<[keyof typeof paths, string | Uint8Array]> = [
    ["good", built.wacz],
    ["flipped", flipByte(built.wacz, warc.dataOffset + 1000)],
    ["logKey", `${built.logVerifierKey}\n`],
    [
      "exportKey",
      `-----BEGIN PUBLIC KEY-----\n${built.exportPublicKey.replace(/(.{64})/g, "$1\n")}\n-----END PUBLIC KEY-----\n`,
    ],
  ];
  for (const [name, content] of files) {
    paths[name] = join(dir, name);
    await writeFile(paths[name], content);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("scripts/verify.ts", () => {
  it("exits 0 on an untouched export with both keys pinned from files, and says so", async () => {
    const { code, stdout } = await run("scripts/verify.ts", [
      paths.good,
      "--log-key",
      paths.logKey,
      "--export-key",
      paths.exportKey,
    ]);
    expect(stdout).toMatch(/RESULT: VERIFIED/);
    expect(stdout.match(/PINNED/g)).toHaveLength(2);
    expect(stdout).toContain(`tree size       ${built.leafHashes.length}`);
    expect(code).toBe(0);
  });

  it("exits 1 on a flipped byte and names the file", async () => {
    const { code, stdout } = await run("scripts/verify.ts", [
      paths.flipped,
      "--log-key",
      built.logVerifierKey,
    ]);
    expect(stdout).toMatch(
      /RESULT: FAILED at File digests \(datapackage.json\): archive\/data-00001.warc.gz: SHA-256 is/,
    );
    expect(code).toBe(1);
  });

  it("prints the same report as JSON with --json", async () => {
    const { code, stdout } = await run("scripts/verify.ts", [
      "--json",
      paths.good,
      "--export-key",
      built.exportPublicKey,
    ]);
    const report = JSON.parse(stdout) as {
      ok: boolean;
      warnings: string[];
      steps: Array<{ status: string }>;
    };
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.status)).toEqual(Array(9).fill("passed"));
    expect(report.warnings).toHaveLength(1);
    expect(code).toBe(0);
  });

  it.each([
    ["no file", () => [], /No export file given/],
    ["a file that does not exist", () => [join("/nonexistent", "x.wacz")], /cannot read/],
    ["an unknown option", () => ["--frobnicate", "x.wacz"], /Unknown option/],
    [
      "a log key that is not one",
      () => [paths.good, "--log-key", "nope"],
      /--log-key is not a log verifier key/,
    ],
    [
      "the log key given as the export key",
      () => [paths.good, "--export-key", built.logVerifierKey],
      /--export-key is not a P-384 ECDSA public key/,
    ],
  ])("exits 2 on %s", async (_, args, says) => {
    const { code, stderr } = await run("scripts/verify.ts", args());
    expect(stderr).toMatch(says);
    expect(code).toBe(2);
  });
});

describe("scripts/verbatim.ts", () => {
  it("runs verify", async () => {
    const { code, stdout } = await run("scripts/verbatim.ts", ["verify", paths.good]);
    expect(stdout).toMatch(/RESULT: VERIFIED/);
    expect(code).toBe(0);
  });
  it("exits 2 on an unknown command", async () => {
    const { code, stderr } = await run("scripts/verbatim.ts", ["frobnicate"]);
    expect(stderr).toMatch(/Unknown command: frobnicate/);
    expect(code).toBe(2);
  });
});
