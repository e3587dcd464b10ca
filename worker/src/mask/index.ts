export { MaskReport, type MaskFinding } from "./report.ts";
export { maskBody, MaskError } from "./mask-body.ts";
export { maskHeaders, type HeaderList } from "./headers.ts";
export { maskUrl } from "./url.ts";
export { policyVersion } from "./policy-version.ts";
export { maskCardNumbers, isCardNumber, luhnValid } from "./card-numbers.ts";
