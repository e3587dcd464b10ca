/** D1 binds at most 100 parameters per statement. */
const IN_LIST = 90;

export function slices<T>(items: readonly T[], size = IN_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Long lists travel as one JSON parameter (`IN (SELECT value FROM json_each(?))`): one query per thousand
 * values instead of one per 90, which matters where an invocation may make only so many D1 queries.
 */
export const JSON_LIST = 1000;
export const IN_JSON = "(SELECT value FROM json_each(?))";
