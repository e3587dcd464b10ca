import type { Version } from "../version.ts";

/** Colours only; site.css imports this file so a recorder must follow an @import to get the full look. */
export const THEME_CSS = {
  v1: `:root {
  --page: #f8fafc;
  --text: #0f172a;
  --muted: #475569;
  --accent: #1d4ed8;
  --accent-text: #ffffff;
  --header-bg: #1e3a8a;
  --header-text: #ffffff;
  --panel: #e0e7ff;
  --border: #cbd5e1;
  --warning: #9a3412;
  --warning-bg: #ffedd5;
}
`,
  v2: `:root {
  --page: #fffbeb;
  --text: #1c1917;
  --muted: #57534e;
  --accent: #047857;
  --accent-text: #ffffff;
  --header-bg: #064e3b;
  --header-text: #ecfdf5;
  --panel: #d1fae5;
  --border: #a8a29e;
  --warning: #7f1d1d;
  --warning-bg: #fee2e2;
}
`,
} as const satisfies Record<Version, string>;
