import policyFile from "verbatim-policy";
import { MaskContext } from "../context.ts";
import { compilePolicy, type CompiledPolicy, type PolicyResult } from "./compile-policy.ts";

/**
 * The policy this Worker was built with: the JSON file that wrangler.toml's `[alias] "verbatim-policy"`
 * points at, bundled at build time and compiled once per isolate. A bad file does not take the site down:
 * config reports it (health says "misconfigured", naming the rule) and recording stays off.
 */
let compiled: PolicyResult | null = null;

export function activePolicyResult(): PolicyResult {
  compiled ??= compilePolicy(policyFile);
  return compiled;
}

/** The compiled active policy; only called once config has checked it compiles. */
export function activePolicy(): CompiledPolicy {
  const result = activePolicyResult();
  if (!result.ok) throw new Error(`masking policy is invalid: ${result.errors.join("; ")}`);
  return result.policy;
}

/**
 * The masking context the recorder (and replay, to match recorded URLs) uses for one exchange. `secret` keys
 * hash tokens; `commitmentSecret` (COMMITMENT_SECRET, the recorder's only) keys commitments, and replay,
 * which keeps no manifest, passes none.
 */
export function recorderMaskContext(
  secret: string,
  url: string,
  commitmentSecret: string | null = null,
): MaskContext {
  return new MaskContext({ policy: activePolicy(), secret, commitmentSecret, url });
}
