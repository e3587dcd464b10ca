import { createHash } from "node:crypto";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startProcess } from "./lib/processes.ts";

/**
 * DokuWiki as Debian packages it (`apt-get install dokuwiki php-cli`: code in /usr/share/dokuwiki, config in
 * /etc/dokuwiki, data in /var/lib/dokuwiki), served by PHP's built-in server. The installed files are only
 * read: a PHP prepend file points DokuWiki's configuration at a copy in `dir`, whose local.php moves the
 * data directory there too, so the wiki's pages, sessions and locks live in the test's own directory.
 */
export const DOKUWIKI_CODE = "/usr/share/dokuwiki";
const DEBIAN_CONF = "/etc/dokuwiki";
const DEBIAN_DATA = "/var/lib/dokuwiki/data";

export type WikiUser = { login: string; password: string; name: string; email: string };
export type DokuWiki = { url: string; port: number; stop: () => Promise<void> };

const php = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export async function startDokuWiki(dir: string, port: number, user: WikiUser): Promise<DokuWiki> {
  const conf = join(dir, "conf");
  const data = join(dir, "data");
  await mkdir(conf, { recursive: true });
  // dereference: acl.auth.php and users.auth.php are links into /var/lib/dokuwiki, replaced below.
  await cp(DEBIAN_CONF, conf, { recursive: true, dereference: true });
  await cp(DEBIAN_DATA, data, { recursive: true });
  await writeFile(
    join(conf, "local.php"),
    [
      "<?php",
      `$conf['title'] = 'Verbatim test wiki';`,
      `$conf['lang'] = 'en';`,
      `$conf['savedir'] = ${php(data)};`,
      `$conf['useacl'] = 1;`,
      `$conf['superuser'] = '@admin';`,
      // No calls home (update check) from a test machine without network.
      `$conf['updatecheck'] = 0;`,
      "",
    ].join("\n"),
  );
  // Plain auth: DokuWiki accepts an unsalted SHA-1 hex digest (PassHash::verify_hash) besides bcrypt.
  const hash = createHash("sha1").update(user.password, "utf8").digest("hex");
  await writeFile(
    join(conf, "users.auth.php"),
    `${user.login}:${hash}:${user.name}:${user.email}:admin,user\n`,
  );
  await writeFile(join(conf, "acl.auth.php"), "*\t@ALL\t1\n*\t@user\t8\n");
  await writeFile(
    join(data, "pages", "start.txt"),
    "====== Team wiki ======\n\nWelcome. See [[wiki:syntax]] and the [[playground:playground]].\n",
  );
  const prepend = join(dir, "prepend.php");
  await writeFile(
    prepend,
    `<?php define('DOKU_MAIN_CONF', ${php(`${conf}/`)}); define('DOKU_CONF', ${php(`${conf}/`)});\n`,
  );
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    "php",
    ["-d", `auto_prepend_file=${prepend}`, "-S", `127.0.0.1:${port}`, "-t", DOKUWIKI_CODE],
    // Several workers, so a page's stylesheet, scripts and images load in parallel as on a real server.
    { cwd: dir, env: { PHP_CLI_SERVER_WORKERS: "4" }, readyUrl: `${url}/doku.php` },
  );
  return { url, port, stop: server.stop };
}
