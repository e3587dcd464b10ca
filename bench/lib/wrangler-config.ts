import type { Miniflare } from "miniflare";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { unstable_readConfig, unstable_splitSqlQuery } from "wrangler";

/** What the bench takes from wrangler.toml, read by wrangler itself so the bench runs what would deploy. */
export type WorkerConfig = {
  configPath: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  migrationsDir: string;
};

export function readWorkerConfig(root: string): WorkerConfig {
  const configPath = join(root, "wrangler.toml");
  const config = unstable_readConfig({ config: configPath });
  if (!config.compatibility_date) throw new Error("wrangler.toml has no compatibility_date");
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars)) vars[name] = String(value);
  const db = config.d1_databases.find(
    (d: { binding: string; migrations_dir?: string }) => d.binding === "DB",
  );
  return {
    configPath,
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

/** D1 databases and R2 buckets as wrangler.toml declares them (any number), read by wrangler itself. */
export function wranglerStorage(configPath: string): {
  d1Databases: Record<string, string>;
  r2Buckets: Record<string, string>;
  migrations: { binding: string; dir: string }[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
} {
  const config = unstable_readConfig({ config: configPath });
  if (!config.compatibility_date) throw new Error("wrangler.toml has no compatibility_date");
  const root = join(configPath, "..");
  const d1Databases: Record<string, string> = {};
  const migrations: { binding: string; dir: string }[] = [];
  for (const db of config.d1_databases) {
    // The id names the local SQLite file: every process must use the same one to share the database.
    d1Databases[db.binding] = db.database_id ?? db.database_name ?? db.binding;
    migrations.push({ binding: db.binding, dir: join(root, db.migrations_dir ?? "migrations") });
  }
  const r2Buckets: Record<string, string> = {};
  for (const bucket of config.r2_buckets) r2Buckets[bucket.binding] = bucket.bucket_name ?? bucket.binding;
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.vars)) vars[name] = String(value);
  return {
    d1Databases,
    r2Buckets,
    migrations,
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
    vars,
  };
}

/**
 * Applies each migration file not yet applied, recording it in `d1_migrations` as `wrangler d1 migrations
 * apply` does, so a topology restarted on the same persistRoot does not apply a file twice.
 */
export async function applyMigrations(
  mf: Miniflare,
  migrations: { binding: string; dir: string }[],
): Promise<void> {
  for (const { binding, dir } of migrations) {
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
    } catch {
      continue; // a database without migrations
    }
    const db = await mf.getD1Database(binding);
    await db
      .prepare(
        "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
      )
      .run();
    const applied = new Set(
      (await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>()).results.map((r) => r.name),
    );
    for (const file of files) {
      if (applied.has(file)) continue;
      const statements = unstable_splitSqlQuery(await readFile(join(dir, file), "utf8"))
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      for (const statement of statements) await db.prepare(statement).run();
      await db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file).run();
    }
  }
}
