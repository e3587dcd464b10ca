import { applyD1Migrations, env } from "cloudflare:test";

// Storage is isolated per test file; every file starts from the migrated schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DB_2025, env.TEST_MIGRATIONS);
