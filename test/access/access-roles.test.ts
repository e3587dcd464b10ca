import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseAccessRoles, rolesFor, type AccessRoleMap } from "../../worker/src/access/access-roles.ts";
import type { Role } from "../../worker/src/access/roles.ts";
import { parseConfig } from "../../worker/src/config/config.ts";

const EXAMPLE =
  "ops=group:sre,email:oncall@acme.com; support=group:support-team; compliance=email:legal@acme.com; admin=email:root@acme.com";

describe("parseAccessRoles", () => {
  it("reads the documented example into matchers per role", () => {
    expect(parseAccessRoles(EXAMPLE)).toEqual({
      ok: true,
      map: {
        ops: [
          { kind: "group", name: "sre" },
          { kind: "email", address: "oncall@acme.com" },
        ],
        support: [{ kind: "group", name: "support-team" }],
        compliance: [{ kind: "email", address: "legal@acme.com" }],
        admin: [{ kind: "email", address: "root@acme.com" }],
      },
    });
  });

  const ACCEPTED: [string, string, Partial<Record<Role, unknown[]>>][] = [
    [
      "a domain wildcard",
      "support=email:*@Acme.com",
      { support: [{ kind: "email-domain", domain: "acme.com" }] },
    ],
    [
      "emails in any case, kept lower",
      "admin=email:Root@ACME.com",
      { admin: [{ kind: "email", address: "root@acme.com" }] },
    ],
    [
      "group names exactly as written, spaces and all",
      "ops=group:Site Reliability",
      { ops: [{ kind: "group", name: "Site Reliability" }] },
    ],
    [
      "a role named twice, matchers merged",
      "ops=group:a; ops=group:b",
      {
        ops: [
          { kind: "group", name: "a" },
          { kind: "group", name: "b" },
        ],
      },
    ],
    ["spaces and a trailing semicolon", "  ops = group:sre ;  ", { ops: [{ kind: "group", name: "sre" }] }],
  ];
  it.each(ACCEPTED)("accepts %s", (_name, raw, expected) => {
    const result = parseAccessRoles(raw);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.map).toMatchObject(expected);
  });

  const REFUSED: [string, string, RegExp][] = [
    ["nothing at all", " ; ", /ACCESS_ROLES is empty/],
    [
      "an unknown role",
      "root=email:root@acme.com",
      /unknown role "root" \(roles: ops, support, compliance, admin\)/,
    ],
    ["an entry without =", "ops group:sre", /entry "ops group:sre" must be <role>=<matchers>/],
    ["a role without matchers", "ops=", /gives role "ops" no matchers/],
    ["a stray comma", "ops=group:sre,", /empty matcher for role "ops"/],
    [
      "an unknown matcher kind",
      "ops=team:sre",
      /bad matcher "team:sre": expected group:<name>, email:<address>/,
    ],
    ["a bare name", "ops=sre", /bad matcher "sre"/],
    ["an empty group", "ops=group:", /bad matcher "group:": a group name is missing/],
    ["a malformed email", "ops=email:oncall", /"oncall" is not an email address/],
    ["a wildcard inside an address", "ops=email:on*@acme.com", /is not an email address/],
    ["a wildcard without a domain", "ops=email:*@", /"\*@" is not \*@<domain>/],
    ["a bare wildcard", "ops=email:*", /is not an email address/],
  ];
  it.each(REFUSED)("refuses %s", (_name, raw, message) => {
    const result = parseAccessRoles(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toMatch(message);
  });

  it("reports every problem at once", () => {
    const result = parseAccessRoles("root=group:x; ops=team:y; support=email:nope");
    expect(result.ok ? [] : result.errors).toHaveLength(3);
  });
});

describe("rolesFor", () => {
  const parsed = parseAccessRoles(`${EXAMPLE}; support=email:*@acme.com; compliance=group:legal`);
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const map: AccessRoleMap = parsed.map;

  const CASES: [string, { email: string | null; groups: string[] }, Role[]][] = [
    ["a group member", { email: "x@elsewhere.org", groups: ["sre"] }, ["ops"]],
    ["a listed email, in another case", { email: "OnCall@Acme.COM", groups: [] }, ["ops", "support"]],
    ["everyone at the wildcard domain", { email: "new.hire@acme.com", groups: [] }, ["support"]],
    ["no one at a subdomain of it", { email: "x@eu.acme.com", groups: [] }, []],
    ["no one at a look-alike domain", { email: "x@notacme.com", groups: [] }, []],
    [
      "several roles, in ROLES order",
      { email: "root@acme.com", groups: ["legal", "sre"] },
      ["ops", "support", "compliance", "admin"],
    ],
    ["group names compared exactly", { email: null, groups: ["SRE", "Support-Team"] }, []],
    ["a service token (no email, no groups): nothing", { email: null, groups: [] }, []],
    [
      "an unknown person: nothing (deny by default)",
      { email: "stranger@example.com", groups: ["staff"] },
      [],
    ],
  ];
  it.each(CASES)("gives %s", (_name, identity, roles) => {
    expect(rolesFor(map, identity)).toEqual(roles);
  });
});

describe("config", () => {
  const ACCESS = {
    ACCESS_TEAM_DOMAIN: "https://acme.cloudflareaccess.com",
    ACCESS_AUD: "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228",
  };

  it("accepts a well-formed ACCESS_ROLES", () => {
    const result = parseConfig({ ...env, ...ACCESS, ACCESS_ROLES: EXAMPLE });
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("lists ACCESS_ROLES problems among the config errors", () => {
    const result = parseConfig({ ...env, ...ACCESS, ACCESS_ROLES: "root=email:root@acme.com; ops=sre" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toContainEqual(expect.stringMatching(/unknown role "root"/));
      expect(result.errors).toContainEqual(expect.stringMatching(/bad matcher "sre"/));
    }
  });
});
