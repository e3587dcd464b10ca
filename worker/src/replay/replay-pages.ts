/**
 * The pages replay answers with when it has no recording to show. Plain HTML with no external resources
 * (it is served under the same replay CSP), a status that says what happened, and text a support agent can
 * act on. Every value shown is escaped; URLs shown are the masked ones.
 */
export type ReplayPage = { status: number; title: string; message: string; back: string | null };

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export function replayPageHtml(page: ReplayPage): string {
  const back = page.back ? `<p><a href="${escapeHtml(page.back)}">Back to the recorded page</a></p>` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Verbatim replay</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
code{word-break:break-all}small{color:#52606d}</style></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${back}
<p><small>Verbatim replay · status ${page.status} · answered from the archive only, never from the live site.</small></p>
</body>
</html>
`;
}

/** The same facts for a request that is not a navigation (a script's fetch, an image). */
export function replayPageText(page: ReplayPage): string {
  return `${page.title}: ${page.message}\n`;
}

export function replayPageJson(page: ReplayPage): string {
  return JSON.stringify({ error: { status: page.status, title: page.title, message: page.message } });
}
