/**
 * Realistic inputs for the masking benchmark, deterministic so runs compare: a ~200 KB account page (nav,
 * product table, order history with prices, dates and order numbers, a payment form, inline state) and a
 * ~1 MB JSON API answer (orders with nested customers; a few secrets among thousands of ordinary values).
 */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

export function htmlPage(targetBytes = 200_000): string {
  const r = rng(42);
  const rows: string[] = [];
  let i = 0;
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your account - Acme Assurance</title>
<meta name="csrf-token" content="c2VjcmV0LWNzcmYtdG9rZW4"><link rel="stylesheet" href="/static/site.css">
<script>window.__STATE__ = {"user":{"firstName":"Alice","accessToken":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl","plan":"gold"},"flags":{"beta":true}};</script>
</head><body><header><nav><a href="/">Home</a> <a href="/products">Products</a> <a href="/account">Account</a></nav></header><main>
<h1>Good morning, Alice</h1><form method="post" action="/checkout"><input type="hidden" name="csrf_token" value="abc123def456">
<label>Card <input name="cardNumber" autocomplete="cc-number" value="4242 4242 4242 4242"></label>
<label>CVV <input name="cvv" autocomplete="cc-csc" value="123"></label><label>Password <input type="password" name="password" value="hunter2"></label></form>
<table class="orders"><thead><tr><th>Order</th><th>Date</th><th>Product</th><th>Amount</th><th>Status</th></tr></thead><tbody>`;
  let body = head;
  while (body.length < targetBytes - 200) {
    i++;
    const amount = (r() * 2000).toFixed(2);
    const day = String(1 + Math.floor(r() * 28)).padStart(2, "0");
    const row = `<tr class="${i % 2 ? "odd" : "even"}"><td><a href="/orders/ORD-2026${String(i).padStart(5, "0")}">ORD-2026${String(i).padStart(5, "0")}</a></td><td><time datetime="2026-10-${day}T10:00:00Z">${day} Oct 2026</time></td><td>Home insurance, ${["standard", "plus", "premium"][i % 3]} cover for zip ${10000 + Math.floor(r() * 89999)}</td><td class="num">$${amount}</td><td><span class="badge">${r() > 0.1 ? "paid" : "pending"}</span></td></tr>\n`;
    rows.push(row);
    body += row;
  }
  return `${body}</tbody></table><p>Card on file ending 4242. Questions? Call 1 800 555 0100.</p></main></body></html>`;
}

export function jsonBody(targetBytes = 1_000_000): string {
  const r = rng(7);
  const orders: unknown[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    i++;
    const order = {
      id: `ORD-2026${String(i).padStart(5, "0")}`,
      createdAt: 1_763_900_000_000 + i * 60_000,
      customer: {
        firstName: "Alice",
        lastName: "Smith",
        zip: String(10000 + Math.floor(r() * 89999)),
        tier: "gold",
      },
      lines: [
        { product: "home-insurance", quantity: 1, price: (r() * 1500).toFixed(2) },
        { product: "travel-insurance", quantity: 2, price: (r() * 300).toFixed(2) },
      ],
      payment:
        i % 50 === 0
          ? { cardNumber: "4242424242424242", cvv: "123", expiry: "12/29" }
          : { method: "invoice", reference: `INV-${i}` },
      notes: i % 97 === 0 ? "customer password reset" : "",
    };
    const text = JSON.stringify(order);
    size += text.length + 1;
    orders.push(order);
  }
  return JSON.stringify({ orders, total: orders.length });
}
