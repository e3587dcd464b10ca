import type { StateCode } from "./locations.ts";

/** A demo account. Money is integer cents so no float rounding ever reaches a page. */
export type Customer = {
  readonly username: string;
  readonly password: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly zip: string;
  readonly state: StateCode;
  readonly balanceCents: number;
  readonly accountNumber: string;
};

/** Plain-text passwords on purpose: these are published demo logins, documented in the README. */
export const CUSTOMERS = [
  {
    username: "alice",
    password: "alice-pass",
    firstName: "Alice",
    lastName: "Anderson",
    zip: "10001",
    state: "NY",
    balanceCents: 1_250_000,
    accountNumber: "ACC-10001-0042",
  },
  {
    username: "bob",
    password: "bob-pass",
    firstName: "Bob",
    lastName: "Brown",
    zip: "94105",
    state: "CA",
    balanceCents: 8_000,
    accountNumber: "ACC-94105-0077",
  },
  {
    username: "carol",
    password: "carol-pass",
    firstName: "Carol",
    lastName: "Castillo",
    zip: "73301",
    state: "TX",
    balanceCents: 310_000,
    accountNumber: "ACC-73301-0013",
  },
] as const satisfies readonly Customer[];

export function findCustomer(username: string | undefined): Customer | undefined {
  return CUSTOMERS.find((customer) => customer.username === username);
}

export function authenticate(username: string, password: string): Customer | undefined {
  const customer = findCustomer(username);
  return customer !== undefined && customer.password === password ? customer : undefined;
}
