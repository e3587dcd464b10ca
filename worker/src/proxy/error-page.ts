/** The page a visitor sees when the origin cannot be reached (RFC 9110 §15.6.3 502 Bad Gateway). */
export function badGatewayPage(detail: string): Uint8Array {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>502 Bad Gateway</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>502 Bad Gateway</h1>
<p>The site could not be reached just now. Please try again in a moment.</p>
<p><small>${escapeHtml(detail)}</small></p></body></html>
`;
  return new TextEncoder().encode(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
