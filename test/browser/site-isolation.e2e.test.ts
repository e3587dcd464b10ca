import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  consoleLogin,
  DEMO_TOKENS,
  startRecorder,
  startShop,
  type Recorder,
  type Shop,
  launchChromium,
} from "./harness.ts";

const root = join(import.meta.dirname, "..", "..");

/**
 * The review's first finding: the console and its API lived on the site's origin, so any script on a live
 * page (an XSS, a compromised tag) in a logged-in agent's browser could read the archive. Here the agent is
 * signed in to the console in the same browser, and a script on the site tries every way in it has.
 */
describe("a script on the site's origin", () => {
  let shop: Shop;
  let recorder: Recorder;
  let browser: Browser;
  let sessionId = "";

  beforeAll(async () => {
    shop = await startShop(() => new Date());
    [recorder, browser] = await Promise.all([startRecorder(shop.url), launchChromium()]);
    const customer = await browser.newContext();
    const page = await customer.newPage();
    await page.goto(`${recorder.url}/products/home-insurance`);
    await customer.close();
    for (let i = 0; i < 100 && sessionId === ""; i++) {
      const { sessions } = await api<{ sessions: { id: string }[] }>(recorder, "/sessions");
      sessionId = sessions[0]?.id ?? "";
      if (sessionId === "") await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
    await shop?.close();
  });

  it("reads no archive data while the same browser is signed in to the console", async () => {
    const context = await browser.newContext();
    await consoleLogin(context, recorder, DEMO_TOKENS.compliance);
    // The sign-in is real: the console shows this browser the session.
    const agent = await context.newPage();
    await agent.goto(`${recorder.consoleUrl}/__verbatim/?tz=UTC`);
    expect(await agent.content()).toContain(sessionId.slice(0, 12));

    const site = await context.newPage();
    await site.goto(`${recorder.url}/products/home-insurance`);
    // A string, as a page script is: this file is type-checked without the DOM library.
    const found = (await site.evaluate(`(async (consoleUrl) => {
      const out = {};
      const attempt = async (name, run) => {
        try {
          out[name] = await run();
        } catch (error) {
          out[name] = \`refused: \${String(error)}\`;
        }
      };
      for (const path of ["/__verbatim/api/sessions", "/__verbatim/", "/__verbatim/api/health"]) {
        await attempt(\`same origin \${path}\`, async () => {
          const r = await fetch(path, { credentials: "include" });
          return \`\${r.status} \${await r.text()}\`;
        });
      }
      for (const path of ["/__verbatim/api/sessions", "/__verbatim/"]) {
        await attempt(\`console \${path}\`, async () => {
          const r = await fetch(consoleUrl + path, { credentials: "include" });
          return \`\${r.status} \${await r.text()}\`;
        });
        await attempt(\`console no-cors \${path}\`, async () => {
          const r = await fetch(consoleUrl + path, { credentials: "include", mode: "no-cors" });
          return \`\${r.type} \${r.status} \${await r.text()}\`;
        });
      }
      await attempt("console in a frame", async () => {
        const frame = document.createElement("iframe");
        frame.src = \`\${consoleUrl}/__verbatim/\`;
        document.body.append(frame);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return frame.contentDocument?.body?.innerText ?? "no access to the frame's document";
      });
      await attempt("console in a window", async () => {
        const win = window.open(\`\${consoleUrl}/__verbatim/\`);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return win?.document?.body?.innerText ?? "no window";
      });
      return out;
    })(${JSON.stringify(recorder.consoleUrl)})`)) as Record<string, string>;

    expect(Object.keys(found)).toHaveLength(9);
    for (const [how, what] of Object.entries(found)) {
      expect(what, how).not.toContain(sessionId);
      expect(what, how).not.toContain(sessionId.slice(0, 12));
      expect(what, how).not.toMatch(/exchangeCount|pageViewCount|isolate/);
    }
    // The site's own origin has nothing under /__verbatim/ but the bare health status.
    expect(found["same origin /__verbatim/api/sessions"]).toMatch(/^404 /);
    await context.close();
  });

  it("cannot make the console act with the agent's cookie (CSRF)", async () => {
    const context = await browser.newContext();
    await consoleLogin(context, recorder, "demo-admin");
    const site = await context.newPage();
    await site.goto(`${recorder.url}/products/home-insurance`);
    const type = await site.evaluate(`(async (consoleUrl) => {
      // A simple request (no preflight): the only kind a page can send cross-site with cookies attached.
      const r = await fetch(\`\${consoleUrl}/__verbatim/api/tokens\`, {
        method: "POST",
        credentials: "include",
        mode: "no-cors",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ name: "forged", roles: ["compliance"], expiresInDays: 1 }),
      });
      return r.type;
    })(${JSON.stringify(recorder.consoleUrl)})`);
    expect(type).toBe("opaque");
    const listed = await recorder.mf.dispatchFetch(`${recorder.consoleUrl}/__verbatim/api/tokens`, {
      headers: { authorization: "Bearer demo-admin" },
    });
    expect(listed.status).toBe(200);
    expect(await listed.text()).not.toContain("forged");
    await context.close();
  });
});

describe("npm run tokens", () => {
  let shop: Shop;
  let recorder: Recorder;

  beforeAll(async () => {
    shop = await startShop(() => new Date());
    recorder = await startRecorder(shop.url);
  });

  afterAll(async () => {
    await recorder?.close();
    await shop?.close();
  });

  const tokens = async (...args: string[]) =>
    (
      await promisify(execFile)(process.execPath, ["scripts/tokens.ts", ...args, "--base", recorder.url], {
        cwd: root,
      })
    ).stdout;

  it("creates a token shown once, lists it, and revokes it", async () => {
    const created = await tokens("create", "--name", "cli test", "--roles", "support", "--days", "7");
    const token = /token \(shown once, store it now\): (vbt_\S+)/.exec(created)?.[1] ?? "";
    const id = /^vbt_([0-9a-f]{12})_/.exec(token)?.[1] ?? "";
    expect(id).not.toBe("");
    const listed = await tokens("list");
    expect(listed).toContain(`${id}  active`);
    expect(listed).not.toContain(token);
    const use = (t: string) =>
      recorder.mf.dispatchFetch(`${recorder.consoleUrl}/__verbatim/api/sessions`, {
        headers: { authorization: `Bearer ${t}` },
      });
    expect((await use(token)).status).toBe(200);
    expect(await tokens("revoke", id)).toContain(`revoked ${id}`);
    expect(await tokens("list")).toContain(`${id}  revoked`);
    expect((await use(token)).status).toBe(401);
  });
});
