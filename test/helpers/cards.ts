/** Completes a card number's digits with the one check digit that makes its Luhn sum valid. */
export function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = partial + d;
    let sum = 0;
    let double = false;
    for (let i = candidate.length - 1; i >= 0; i--) {
      let n = candidate.charCodeAt(i) - 48;
      if (double) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
      double = !double;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable: one of ten check digits always completes the sum");
}

/** The demo shop's checkout form with a test card (its CVV is 987): what a customer posts to pay. */
export function checkoutForm(cardholder = "Alice"): Record<string, string> {
  return {
    cardholder,
    cardNumber: "4242 4242 4242 4242",
    expiry: "12/29",
    cvv: "987",
    product: "home-insurance",
  };
}
