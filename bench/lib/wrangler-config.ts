import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { unstable_readConfig, unstable_splitSqlQuery } from "wrangler";

/** What the bench takes from wrangler.toml, read by wrangler itself so the bench runs what would deploy. */
export type WorkerConfig = {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  migrationsDir: string;
};

export function readWorkerConfig(root: string): WorkerConfig {
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  if (!config.compatibility_date) throw new Error("wrangler.toml has no compatibility_date");
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars)) vars[name] = String(value);
  const db = config.d1_databases.find(
    (d: { binding: string; migrations_dir?: string }) => d.binding === "DB",
  );
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    vars,
    migrationsDir: join(root, db?.migrations_dir ?? "migrations"),
  };
}

/** Every statement of every migration, in file order (NNNN_ prefixes sort), split the way wrangler splits them. */
export async function migrationStatements(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const statements: string[] = [];
  for (const file of files) {
    statements.push(...unstable_splitSqlQuery(await readFile(join(dir, file), "utf8")));
  }
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}
