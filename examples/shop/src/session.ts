import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import { randomToken } from "./random.ts";
import type { ApplicationDraft } from "./application.ts";
import type { CartLine } from "./cart.ts";

/** The shop's own session cookie; deliberately not the recorder's cookie name, so both can coexist. */
export const SESSION_COOKIE = "shop.sid";

export type Session = {
  readonly id: string;
  username: string | undefined;
  cart: CartLine[];
  application: ApplicationDraft | undefined;
};

/**
 * Everything the shop remembers. In memory on purpose: the demo has no storage, and one store per
 * createShop() keeps tests isolated. server.ts shares one store between the v1 and v2 apps so a live version
 * switch keeps visitors signed in.
 */
export type ShopStore = {
  readonly sessions: Map<string, Session>;
  readonly counters: { application: number; order: number };
};

export function createShopStore(): ShopStore {
  return { sessions: new Map(), counters: { application: 123, order: 45 } };
}

export function getSession(c: Context, store: ShopStore): Session | undefined {
  const id = getCookie(c, SESSION_COOKIE);
  return id === undefined ? undefined : store.sessions.get(id);
}

function newSession(c: Context, store: ShopStore, username: string | undefined): Session {
  const session: Session = { id: randomToken(), username, cart: [], application: undefined };
  store.sessions.set(session.id, session);
  setCookie(c, SESSION_COOKIE, session.id, { path: "/", httpOnly: true, sameSite: "Lax" });
  return session;
}

/** Anonymous visitors get a session the first time they put something in the cart or start an application. */
export function ensureSession(c: Context, store: ShopStore): Session {
  return getSession(c, store) ?? newSession(c, store, undefined);
}

/**
 * Login always issues a fresh id (OWASP session fixation guidance) but carries over the anonymous cart, the
 * way shops keep what you picked before signing in.
 */
export function startSession(c: Context, store: ShopStore, username: string): Session {
  const previous = getSession(c, store);
  if (previous !== undefined) store.sessions.delete(previous.id);
  const session = newSession(c, store, username);
  session.cart = previous?.cart ?? [];
  return session;
}

export function endSession(c: Context, store: ShopStore): void {
  const session = getSession(c, store);
  if (session !== undefined) store.sessions.delete(session.id);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}
