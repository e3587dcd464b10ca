import { exchanges } from "../../helpers/archive.ts";
import type { Customer } from "../../helpers/browser-like.ts";
import { logIn } from "./console-client.ts";
import type { ExchangeRow } from "../../../worker/src/record/rows.ts";
import type { Device } from "./device.ts";

/** Alice on the shared test browser, her phone and her laptop; Bob with a failing call and a 404. */
export async function record(alice: Customer, bob: Customer, phone: Device, laptop: Device) {
  await alice.request("/");
  await alice.request("/static/site.css");
  await alice.form("/login", { username: "alice", password: "alice-pass" });
  await alice.request("/products/home-insurance");
  await alice.request("/api/quote?product=home-insurance");
  await alice.request("/api/cart", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ product: "home-insurance", quantity: 1 }),
  });
  await alice.request("/checkout");
  await alice.form("/checkout", {
    cardholder: "alice",
    cardNumber: "4242 4242 4242 4242",
    expiry: "12/29",
    cvv: "987",
    product: "home-insurance",
  });
  await bob.request("/");
  await bob.request("/api/account");
  await bob.request("/no-such-page");
  await bob.form("/login", { username: "bob", password: "bob-pass" });
  await phone.request("/");
  await phone.logIn("alice", "alice-pass");
  await laptop.request("/login");
  await laptop.logIn("alice", "alice-pass");
  await laptop.request("/products/car-insurance");
}

export const path = (row: { url: string }) => new URL(row.url).pathname;
export const sessionOf = (rows: ExchangeRow[], part: string, method = "GET") =>
  rows.find((r) => r.url.includes(part) && r.method === method)?.session_id ?? "";

/** The console suites' shared setup: record the visits, find the two sessions, log in to the console. */
export async function recordAndLogIn(alice: Customer, bob: Customer, phone: Device, laptop: Device) {
  await record(alice, bob, phone, laptop);
  const rows = await exchanges();
  return {
    rows,
    aliceSession: sessionOf(rows, "/api/cart", "POST"),
    bobSession: sessionOf(rows, "/api/account"),
    cookie: await logIn(),
  };
}
