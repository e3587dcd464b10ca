/**
 * The console's one stylesheet, served from /__verbatim/assets/console.css so the CSP can forbid inline
 * styles (a recorded URL or field value rendered into a page must never be able to restyle it).
 */
export const CONSOLE_CSS = `
:root { --fg:#1d2433; --muted:#5b6478; --line:#dfe3ea; --bg:#f6f7f9; --card:#fff; --accent:#2454c5;
  --bad:#c62828; --bad-bg:#fdecea; --ok:#1b7f3b; --ok-bg:#e6f4ea; --warn:#8a5a00; --warn-bg:#fff4d6;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: #1d2433; color: #fff; padding: 0 24px; display: flex; align-items: center; gap: 24px; height: 48px; }
header.top .brand { font-weight: 600; color: #fff; }
header.top nav { display: flex; gap: 16px; flex: 1; }
header.top nav a { color: #c9d3ea; }
header.top .zone { color: #c9d3ea; font-size: 12px; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #c9d3ea; border: 1px solid #4a5470; border-radius: 4px; padding: 3px 10px; cursor: pointer; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
main.wide { max-width: none; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
.sub { color: var(--muted); margin: 0 0 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
.notice { padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; border: 1px solid; }
.notice.error { background: var(--bad-bg); border-color: #f3b8b3; color: #7f1d1d; }
.notice.info { background: #eef3fd; border-color: #c8d6f5; }
form.search { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px 16px; align-items: start; }
form.search .actions { align-self: end; }
form.search .wide { grid-column: span 2; }
label { display: block; font-size: 12px; font-weight: 600; color: var(--muted); margin-bottom: 4px; }
input, select { width: 100%; font: inherit; padding: 6px 8px; border: 1px solid #c5ccd8; border-radius: 5px; background: #fff; color: var(--fg); }
input[type=checkbox] { width: auto; margin-right: 6px; }
label.check { display: flex; align-items: center; font-weight: 400; color: var(--fg); font-size: 14px; padding: 7px 0; }
.actions { display: flex; gap: 8px; align-items: center; }
button.primary { background: var(--accent); color: #fff; border: 0; border-radius: 5px; padding: 7px 16px; font: inherit; font-weight: 600; cursor: pointer; }
button.link { background: none; border: 0; color: var(--accent); font: inherit; cursor: pointer; padding: 0; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: var(--bad-bg); }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eef0f4; color: var(--muted); white-space: nowrap; }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.kind { background: #eef3fd; color: var(--accent); }
.pager { display: flex; justify-content: space-between; margin-top: 12px; }
ol.pages { list-style: none; margin: 0; padding: 0; }
ol.pages > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 10px 14px; }
ol.pages > li.failed { border-color: #f3b8b3; box-shadow: inset 4px 0 0 var(--bad); }
.pv { display: grid; grid-template-columns: 232px 72px minmax(0, 1fr) auto; gap: 12px; align-items: baseline; }
.pv .when { font-variant-numeric: tabular-nums; font-size: 13px; }
ul.calls { list-style: none; margin: 8px 0 0 244px; padding: 0; border-left: 2px solid var(--line); }
ul.calls > li { padding: 4px 0 4px 12px; }
ul.calls dl.fields { margin-left: 140px; }
ul.calls > li.failed { background: var(--bad-bg); }
.call { display: grid; grid-template-columns: 64px 64px minmax(0, 1fr) auto auto; gap: 10px; align-items: baseline; }
dl.fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 6px 0 2px 244px; font-size: 12.5px; }
dl.fields dt { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; }
dl.fields dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.masked { color: var(--warn); font-weight: 600; }
.chart { width: 100%; height: auto; display: block; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.session-head { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 8px 0 16px; }
.facts div { min-width: 120px; }
.facts b { display: block; font-size: 12px; color: var(--muted); font-weight: 600; }
.banner { background: #1d2433; color: #fff; padding: 12px 24px; display: grid; grid-template-columns: repeat(6, auto) 1fr; gap: 4px 28px; align-items: start; }
.banner b { display: block; font-size: 11px; color: #9aa6c2; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.banner a { color: #b9cbff; }
.banner .integrity.verified { color: #7ee29b; font-weight: 700; }
.banner .integrity.mismatch, .banner .integrity.body_missing { color: #ff8a80; font-weight: 700; }
.frame-nav { display: flex; justify-content: space-between; padding: 8px 24px; background: #e9ecf2; border-bottom: 1px solid var(--line); gap: 16px; }
iframe.replay { width: 100%; height: 72vh; border: 0; border-bottom: 1px solid var(--line); background: #fff; display: block; }
iframe.replay.full { position: fixed; inset: 0; height: 100vh; border-bottom: 0; }
.login { max-width: 380px; margin: 12vh auto; }
.login form { display: grid; gap: 12px; }
details summary { cursor: pointer; color: var(--muted); }
pre.note { margin: 0; white-space: pre-wrap; word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
@media (max-width: 1000px) {
  form.search { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .pv { grid-template-columns: 130px 70px minmax(0, 1fr); }
  .pv > :last-child { grid-column: 1 / -1; }
  ul.calls { margin-left: 12px; }
  dl.fields, ul.calls dl.fields { margin-left: 12px; }
  .banner { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
`;

/** Progressive enhancement only: every page works without it. */
export const CONSOLE_JS = `
document.querySelectorAll("[data-local-zone]").forEach((button) => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const select = document.getElementById(button.getAttribute("data-local-zone"));
  if (!zone || !select) return;
  button.hidden = false;
  button.textContent = "Use my zone (" + zone + ")";
  button.addEventListener("click", () => { select.value = zone; });
});
`;
