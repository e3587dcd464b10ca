import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { Zone } from "../../read/model/time-zone.ts";
import { ForRole } from "./viewer.tsx";

/** Every console page: one stylesheet, one small script, a top bar with the viewer's zone and logout. */
export function Layout(props: {
  title: string;
  zone?: Zone;
  wide?: boolean;
  bare?: boolean;
  /** Seconds until the page reloads itself (a running job's progress); a meta refresh needs no script. */
  refresh?: number;
  children: Child;
}) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          {props.refresh ? <meta http-equiv="refresh" content={String(props.refresh)} /> : null}
          <title>{`${props.title} · Verbatim`}</title>
          <link rel="stylesheet" href="/__verbatim/assets/console.css" />
          <script src="/__verbatim/assets/console.js" defer></script>
        </head>
        <body>
          {props.bare ? null : (
            <header class="top">
              <a class="brand" href="/__verbatim/">
                Verbatim support console
              </a>
              <nav>
                <a href="/__verbatim/">Search sessions</a>
                <ForRole role="compliance">
                  <a href="/__verbatim/exports">Exports</a>
                  <a href="/__verbatim/evidence">Evidence</a>
                  <a href="/__verbatim/audit">Audit log</a>
                  <a href="/__verbatim/holds">Legal holds</a>
                </ForRole>
              </nav>
              {props.zone ? <span class="zone">Times in {props.zone.id}</span> : null}
              <form method="post" action="/__verbatim/logout">
                <button type="submit">Log out</button>
              </form>
            </header>
          )}
          {props.wide ? props.children : <main>{props.children}</main>}
        </body>
      </html>
    </>
  );
}

export function Notice(props: { kind: "error" | "info"; children: Child }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}
