import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          SHOP_ORIGIN: inject("shopOrigin"),
          EDGE_ORIGIN: inject("edgeOrigin"),
          ORIGIN: inject("shopOrigin"),
          VERBATIM_SECRET: "test-secret-0123456789abcdef",
          ADMIN_TOKEN: "test-token",
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**"],
    globalSetup: ["./test/setup/global-setup.ts"],
    setupFiles: ["./test/setup/apply-migrations.ts"],
    testTimeout: 30_000,
  },
});
