/**
 * Verifies a Verbatim export offline (README "Verifying an export", docs/evidence.md §3):
 *
 *   npm run verify -- export.wacz [--log-key <key|file>] [--export-key <key|file>] [--json]
 *
 * Exit status 0 verified, 1 a check failed (named in the report), 2 usage error or unreadable file.
 */
import { runVerify } from "./lib/verify/cli.ts";

process.exitCode = await runVerify(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  progress: process.stderr.isTTY,
});
