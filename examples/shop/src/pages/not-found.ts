import { html } from "hono/html";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

export function notFoundPage(path: string): Html {
  return layout(
    "Not found",
    undefined,
    html`<h1>Page not found</h1><p>Nothing lives at <code>${path}</code>. <a href="/">Go home</a>.</p>`,
  );
}

export function errorPage(message: string): Html {
  return layout("Error", undefined, html`<h1>Something went wrong</h1><p>${message}</p>`);
}
