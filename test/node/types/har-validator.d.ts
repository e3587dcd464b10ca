/** The part of har-validator (which ships no types) the export suite uses: validate a whole HAR. */
declare module "har-validator" {
  /** Resolves with the HAR when it matches the HAR 1.2 schema; rejects with a HARError listing what does not. */
  export function har(data: object): Promise<object>;
}
