import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { startProcess } from "./lib/processes.ts";

/**
 * Verdaccio (npm, devDependency pinned at 6.8.0): a private npm registry whose web UI is a React
 * single-page app. It logs in through a JSON API (`POST /-/verdaccio/sec/login` answers a signed token kept
 * in localStorage) and reads packages, search results and readmes from JSON endpoints. Its storage and
 * htpasswd file live in `dir`; one package is published over its own registry API before the test so the
 * UI has something to list.
 */
const root = new URL("../../", import.meta.url).pathname;
const run = promisify(execFile);

export type Verdaccio = { url: string; port: number; stop: () => Promise<void> };
export type RegistryUser = { login: string; password: string };

export async function startVerdaccio(
  dir: string,
  port: number,
  user: RegistryUser,
  /** The URL visitors use (the recorder's): Verdaccio writes it into `<base href>` and its UI options. */
  publicUrl: string,
): Promise<Verdaccio> {
  await mkdir(join(dir, "storage"), { recursive: true });
  const sha1 = createHash("sha1").update(user.password, "utf8").digest("base64");
  await writeFile(join(dir, "htpasswd"), `${user.login}:{SHA}${sha1}:autocreated 2026-01-01T00:00:00.000Z\n`);
  await writeFile(
    join(dir, "config.yaml"),
    [
      "storage: ./storage",
      "auth:",
      "  htpasswd:",
      "    file: ./htpasswd",
      "    max_users: -1",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "web:",
      "  enable: true",
      "  title: Verbatim test registry",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    process.execPath,
    [
      join(root, "node_modules", "verdaccio", "bin", "verdaccio"),
      "--config",
      "./config.yaml",
      "--listen",
      `127.0.0.1:${port}`,
    ],
    { cwd: dir, env: { VERDACCIO_PUBLIC_URL: `${publicUrl}/` }, readyUrl: `${url}/-/ping` },
  );
  try {
    await publishSample(dir, url, user);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, port, stop: server.stop };
}

/** Publishes `@team/greeter` 1.0.0 with a readme, as `npm publish` would (a PUT of the package document). */
async function publishSample(dir: string, url: string, user: RegistryUser): Promise<void> {
  // npm's legacy Basic credentials, which Verdaccio's registry API accepts (its web login is for the UI).
  const basic = Buffer.from(`${user.login}:${user.password}`, "utf8").toString("base64");
  const name = "@team/greeter";
  const manifest = {
    name,
    version: "1.0.0",
    description: "Greets the team",
    main: "index.js",
    license: "MIT",
    keywords: ["greeting"],
  };
  const readme =
    "# @team/greeter\n\nSays hello to the team.\n\n```js\nrequire('@team/greeter')('Ada');\n```\n";
  const pkg = join(dir, "sample", "package");
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(pkg, "README.md"), readme);
  await writeFile(join(pkg, "index.js"), "module.exports = (who) => `Hello, ${who}!`;\n");
  const tarball = join(dir, "sample", "greeter-1.0.0.tgz");
  await run("tar", ["-czf", tarball, "-C", join(dir, "sample"), "package"]);
  const bytes = await readFile(tarball);
  const file = "greeter-1.0.0.tgz";
  const body = {
    _id: name,
    name,
    description: manifest.description,
    "dist-tags": { latest: "1.0.0" },
    versions: {
      "1.0.0": {
        ...manifest,
        _id: `${name}@1.0.0`,
        readme,
        dist: {
          shasum: createHash("sha1").update(bytes).digest("hex"),
          integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
          tarball: `${url}/${name}/-/${file}`,
        },
      },
    },
    readme,
    _attachments: {
      [file]: {
        content_type: "application/octet-stream",
        data: bytes.toString("base64"),
        length: bytes.length,
      },
    },
  };
  const put = await fetch(`${url}/${encodeURIComponent(name).replace("%40", "@")}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Basic ${basic}` },
    body: JSON.stringify(body),
  });
  if (!put.ok) throw new Error(`verdaccio publish: ${put.status} ${await put.text()}`);
}
