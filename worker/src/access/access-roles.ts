import type { AccessIdentity } from "./access-jwt.ts";
import { isRole, ROLES, type Role } from "./roles.ts";

/**
 * ACCESS_ROLES: which Access identities hold which roles. Semicolon-separated entries, each
 * `<role>=<matcher>,<matcher>,...`, a matcher being `group:<IdP group name>`, `email:<address>` or
 * `email:*@<domain>` (everyone at that domain):
 *
 *     ops=group:sre,email:oncall@acme.com; support=group:support-team; admin=email:root@acme.com
 *
 * Access decides who gets in at all; this decides what they may see once in. No match, no role (deny).
 */
export type AccessMatcher =
  | { kind: "group"; name: string }
  | { kind: "email"; address: string }
  | { kind: "email-domain"; domain: string };

export type AccessRoleMap = Readonly<Record<Role, readonly AccessMatcher[]>>;

export type AccessRolesResult = { ok: true; map: AccessRoleMap } | { ok: false; errors: string[] };

const EMAIL = /^[^\s@*]+@[^\s@*]+\.[^\s@*]+$/;
const DOMAIN = /^[^\s@*]+\.[^\s@*]+$/;

type MatcherParser = (value: string) => AccessMatcher | string;

/** One parser per matcher prefix; a string back is the problem with the value. */
const MATCHER_PARSERS: Readonly<Record<string, MatcherParser>> = {
  // Group names are the IdP's and compared exactly: "SRE" and "sre" may be different groups there.
  group: (value) => (value === "" ? "a group name is missing" : { kind: "group", name: value }),
  email: (value) => {
    const lower = value.toLowerCase();
    if (lower.startsWith("*@")) {
      const domain = lower.slice(2);
      return DOMAIN.test(domain) ? { kind: "email-domain", domain } : `"${value}" is not *@<domain>`;
    }
    return EMAIL.test(lower) ? { kind: "email", address: lower } : `"${value}" is not an email address`;
  },
};

const FORMAT_HINT = "expected group:<name>, email:<address> or email:*@<domain>";

function parseMatcher(text: string): AccessMatcher | string {
  const colon = text.indexOf(":");
  const parser = colon > 0 ? MATCHER_PARSERS[text.slice(0, colon).trim().toLowerCase()] : undefined;
  if (!parser) return `bad matcher "${text}": ${FORMAT_HINT}`;
  const parsed = parser(text.slice(colon + 1).trim());
  return typeof parsed === "string" ? `bad matcher "${text}": ${parsed}` : parsed;
}

/** Parses ACCESS_ROLES, collecting every problem so ops can fix them in one go. */
export function parseAccessRoles(raw: string): AccessRolesResult {
  const errors: string[] = [];
  const map: Record<Role, AccessMatcher[]> = { ops: [], support: [], compliance: [], admin: [] };
  const entries = raw
    .split(";")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0)
    return { ok: false, errors: ["ACCESS_ROLES is empty: map Access groups or emails to roles"] };

  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals < 0) {
      errors.push(`ACCESS_ROLES entry "${entry}" must be <role>=<matchers>`);
      continue;
    }
    const role = entry.slice(0, equals).trim().toLowerCase();
    if (!isRole(role)) {
      errors.push(`ACCESS_ROLES names an unknown role "${role}" (roles: ${ROLES.join(", ")})`);
      continue;
    }
    const matchers = entry
      .slice(equals + 1)
      .split(",")
      .map((text) => text.trim());
    if (matchers.every((text) => text === "")) {
      errors.push(`ACCESS_ROLES gives role "${role}" no matchers: ${FORMAT_HINT}`);
      continue;
    }
    for (const text of matchers) {
      if (text === "") {
        errors.push(`ACCESS_ROLES has an empty matcher for role "${role}" (a stray comma?)`);
        continue;
      }
      const matcher = parseMatcher(text);
      if (typeof matcher === "string") errors.push(`ACCESS_ROLES ${role}: ${matcher}`);
      else map[role].push(matcher);
    }
  }
  return errors.length === 0 ? { ok: true, map } : { ok: false, errors };
}

function matches(matcher: AccessMatcher, email: string | null, groups: readonly string[]): boolean {
  switch (matcher.kind) {
    case "group":
      return groups.includes(matcher.name);
    case "email":
      return email === matcher.address;
    case "email-domain":
      return email !== null && email.endsWith(`@${matcher.domain}`);
  }
}

/** The roles an Access identity holds, in ROLES order. Emails ignore case: IdPs differ in the case they send. */
export function rolesFor(map: AccessRoleMap, identity: Pick<AccessIdentity, "email" | "groups">): Role[] {
  const email = identity.email === null ? null : identity.email.toLowerCase();
  return ROLES.filter((role) => map[role].some((matcher) => matches(matcher, email, identity.groups)));
}
