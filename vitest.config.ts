import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { defineConfig } from "vitest/config";
import { dropExpectedRuntimeNoise } from "./test/setup/runtime-noise.ts";

dropExpectedRuntimeNoise();

// The Workers plugin bundles with Vite, which does not read wrangler.toml's [alias]: map the policy module here.
const wrangler = unstable_readConfig({ config: "./wrangler.toml" });
const policyPath = wrangler.alias?.["verbatim-policy"];
if (!policyPath) throw new Error('wrangler.toml must alias "verbatim-policy" to a policy file');

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          SHOP_ORIGIN: inject("shopOrigin"),
          EDGE_ORIGIN: inject("edgeOrigin"),
          // A stand-in Access team domain serving a key set (test/origin/jwks-origin.ts).
          ACCESS_TEST_JWKS_ORIGIN: inject("accessJwksOrigin"),
          // Another one, the team domain of test/access/access-door.test.ts (the console's Access at work).
          ACCESS_TEST_TEAM_ORIGIN: inject("accessTeamOrigin"),
          ORIGIN: inject("shopOrigin"),
          VERBATIM_SECRET: "test-secret-0123456789abcdef",
          COMMITMENT_SECRET: "test-commitments-fedcba9876543210",
          ADMIN_TOKEN: "test-token",
          // Chunks leave at once (the default gathers a session's records for 500 ms): tests read after every visit.
          RECORD_COALESCE_MS: "0",
          // Hand-off batches gather for 5 ms (50 by default): each visit waits for its batch to leave.
          HANDOFF_BATCH_MS: "5",
          // Exports cut into slices of 3 exchanges, so a few visits already cross several Workflow steps.
          EXPORT_SLICE_EXCHANGES: "3",
        },
        // A second index partition for the partitioning tests (test/store/partitions.test.ts).
        d1Databases: { DB_2025: "verbatim-2025" },
        // As wrangler.toml, but partial batches go at once: tests wait for the index after every visit.
        queueConsumers: {
          "verbatim-records": {
            maxBatchSize: 100,
            maxBatchTimeout: 0,
            maxRetries: 5,
            deadLetterQueue: "verbatim-records-dlq",
          },
          "verbatim-records-dlq": { maxBatchSize: 10, maxBatchTimeout: 0 },
        },
        // RECORD_LIMIT at 5 per client per 10 s (200 in wrangler.toml), so test/recorder/quotas.test.ts goes
        // past it in a few requests, each from a client address of its own. Other tests send no address, and
        // an exchange without one is not limited (recorder/client-limit.ts).
        ratelimits: { RECORD_LIMIT: { namespace_id: "1001", simple: { limit: 5, period: 10 } } },
      },
    })),
  ],
  resolve: { alias: { "verbatim-policy": resolve(policyPath) } },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "test/node/**", "test/apps/**", "test/scale/**"],
    globalSetup: ["./test/setup/global-setup.ts"],
    setupFiles: ["./test/setup/apply-migrations.ts", "./test/setup/quiet-logs.ts"],
    testTimeout: 30_000,
  },
});
