import { parseArgs } from "node:util";
import { UnreadableExport } from "./failure.ts";
import { keyFromOption, unusableKey } from "./key-option.ts";
import { renderText } from "./report.ts";
import { verifyExport } from "./verify-export.ts";

/**
 * `verbatim verify`: checks an export offline and prints a report. Exit status 0 when every check passed,
 * 1 when one failed (the report names the first failure), 2 when the command was used wrongly or the file
 * could not be read at all.
 */
export const USAGE = `Usage: npm run verify -- <export.wacz> [options]
       npx verbatim verify <export.wacz> [options]

Checks a Verbatim export offline: the zip and every file's SHA-256, the package signature, the signed
tree head, every WARC record's digests, every evidence record's hash and inclusion proof, and that the
WARC, the evidence, the index and the page list agree.

Options:
  --log-key <key|file>     the log's verifier key (<name>+<id>+<base64>, as published at
                           GET /__verbatim/api/evidence/keys); without it the export's own key is used
  --export-key <key|file>  the export signing key (base64 SubjectPublicKeyInfo, or a PEM file); without
                           it the key inside the export is used
  --json                   print the report as JSON
  -h, --help               this text

Exit status: 0 verified, 1 a check failed (the report names it), 2 usage error or unreadable file.`;

export const EXIT = { verified: 0, failed: 1, usage: 2 } as const;

type Output = { out: (text: string) => void; err: (text: string) => void; progress: boolean };

export async function runVerify(argv: readonly string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        "log-key": { type: "string" },
        "export-key": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${USAGE}\n`);
    return EXIT.verified;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    io.err(
      `${file === undefined ? "No export file given." : `Unexpected arguments: ${extra.join(" ")}`}\n\n${USAGE}\n`,
    );
    return EXIT.usage;
  }
  const logKey = values["log-key"] === undefined ? undefined : await keyFromOption(values["log-key"]);
  const exportKey =
    values["export-key"] === undefined ? undefined : await keyFromOption(values["export-key"]);
  for (const [kind, key] of [
    ["log", logKey],
    ["export", exportKey],
  ] as const) {
    const problem = key === undefined ? null : await unusableKey(kind, key);
    if (problem) {
      io.err(`${problem}\n`);
      return EXIT.usage;
    }
  }
  let report;
  try {
    report = await verifyExport(file, {
      logKey,
      exportKey,
      progress: io.progress && !values.json ? (text) => io.err(`  … ${text}\n`) : undefined,
    });
  } catch (error) {
    if (error instanceof UnreadableExport) {
      io.err(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
  return report.ok ? EXIT.verified : EXIT.failed;
}
