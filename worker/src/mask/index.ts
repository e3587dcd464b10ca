export { MaskContext, commitment, type MaskFinding } from "./context.ts";
export { maskBody, MaskError } from "./mask-body.ts";
export { maskHeaders, type HeaderList } from "./headers.ts";
export { maskUrl } from "./url.ts";
export { maskValues } from "./value-rules.ts";
export { sealText, hasPendingMarker } from "./seal.ts";
export { isCardNumber, luhnValid } from "./card-numbers.ts";
export { compilePolicy, type CompiledPolicy, type PolicyResult } from "./policy/compile-policy.ts";
export { activePolicy, activePolicyResult, recorderMaskContext } from "./policy/active-policy.ts";
