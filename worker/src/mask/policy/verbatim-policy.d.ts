// The active policy file, resolved by wrangler.toml's [alias] (and by vitest.config.ts for tests).
declare module "verbatim-policy" {
  const policy: unknown;
  export default policy;
}
