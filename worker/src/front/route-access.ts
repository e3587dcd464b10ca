import type { Context, Hono, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { COMPOSED_HANDLER } from "hono/utils/constants";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "./access-env.ts";
import { grants, type Role } from "../access/roles.ts";

/**
 * Every console page and API route declares who may use it: a role, or "public" for the few pages a
 * stranger needs (sign-in, the stylesheet). Routes are added only through `route()`, which puts the
 * declaration's guard in front of the handler; `denyUndeclared` refuses any request whose route has none, so
 * a route someone adds with plain `app.get` is closed, not open. test/access/route-matrix.test.ts walks the
 * router and checks every route against every role.
 */
export type RouteAccess = "public" | Role;
type Method = "GET" | "POST" | "DELETE" | "ALL";

const declared = new WeakMap<Function, RouteAccess>();

/**
 * The access a guard middleware enforces, or undefined when the handler is not a guard. A sub-app with its
 * own onError (the console) has its handlers wrapped when mounted; the wrapper points at the original.
 */
export function accessOf(handler: Function): RouteAccess | undefined {
  return declared.get(unwrapped(handler));
}

export function unwrapped(handler: Function): Function {
  const inner = (handler as unknown as Record<string, unknown>)[COMPOSED_HANDLER];
  return typeof inner === "function" ? inner : handler;
}

export function guard(access: RouteAccess): MiddlewareHandler<AccessEnv> {
  const middleware: MiddlewareHandler<AccessEnv> = async function roleGuard(c, next) {
    if (access !== "public") {
      const principal = c.get("principal");
      if (principal === null)
        throw new VerbatimError("unauthorized", "sign in first: no valid credential was given");
      if (!grants(principal.roles, access))
        throw new VerbatimError(
          "forbidden",
          `this needs the ${access} role, which ${principal.id} does not hold`,
        );
    }
    await next();
  };
  declared.set(middleware, access);
  return middleware;
}

/** Adds a route with its declared access (the only way routes are added on the console's host). */
export function route<E extends AccessEnv, P extends string>(
  app: Hono<E>,
  method: Method,
  path: P,
  access: RouteAccess,
  handler: (c: Context<E, P>) => Response | Promise<Response>,
): void {
  app.on(method, path, guard(access) as unknown as MiddlewareHandler<E, P>, handler);
}

/** Deny by default: the route answering must have a guard registered with it. */
export const denyUndeclared: MiddlewareHandler<AccessEnv> = async function denyUndeclared(c, next) {
  const routes = matchedRoutes(c);
  const answering = routes.at(-1);
  const guarded =
    answering !== undefined &&
    routes.some(
      (r) =>
        accessOf(r.handler) !== undefined &&
        r.path === answering.path &&
        r.method === answering.method &&
        r.basePath === answering.basePath,
    );
  if (!guarded) throw new VerbatimError("forbidden", "this route declares no role, so it is closed");
  await next();
};
