#!/usr/bin/env node
/**
 * The `verbatim` command (package.json "bin"), so `npx verbatim verify export.wacz` works from a checkout
 * or an installed package. Subcommands are a table: each takes the remaining arguments and returns the
 * exit status.
 */
import { runVerify, USAGE as VERIFY_USAGE } from "./lib/verify/cli.ts";

const io = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  progress: process.stderr.isTTY,
};

const COMMANDS: Readonly<Record<string, (args: readonly string[]) => Promise<number>>> = {
  verify: (args) => runVerify(args, io),
};

const USAGE = `Usage: verbatim <command> [arguments]

Commands:
  verify <export.wacz>   check an export offline (verbatim verify --help)

${VERIFY_USAGE}`;

const [command, ...rest] = process.argv.slice(2);
const run = command === undefined ? undefined : COMMANDS[command];
if (run) {
  process.exitCode = await run(rest);
} else if (command === "-h" || command === "--help" || command === "help") {
  process.stdout.write(`${USAGE}\n`);
} else {
  process.stderr.write(
    `${command === undefined ? "No command given." : `Unknown command: ${command}`}\n\n${USAGE}\n`,
  );
  process.exitCode = 2;
}
