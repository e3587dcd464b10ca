const UNITS = ["KiB", "MiB", "GiB", "TiB"] as const;

/** "812 B", "4.0 KiB", "12.3 MiB": an export's size at a glance (the exact count is in the API). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit: string = "B";
  for (const next of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}
