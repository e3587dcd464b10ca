import type { ContentClass } from "../snapshot/content-class.ts";

/**
 * A page view is a top-level HTML document the visitor navigated to (Fetch Metadata: Sec-Fetch-Dest
 * "document"). Older clients send no Sec-Fetch-Dest; then an HTML answer to a request that accepts HTML
 * counts. Redirects are not page views: the page they lead to is.
 */
export function isPageView(requestHeaders: Headers, status: number, contentClass: ContentClass): boolean {
  if (contentClass !== "html" || (status >= 300 && status < 400)) return false;
  const dest = requestHeaders.get("sec-fetch-dest");
  if (dest !== null) return dest === "document";
  return (requestHeaders.get("accept") ?? "").includes("text/html");
}
