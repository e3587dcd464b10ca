/**
 * The product page's client script. Plain DOM and fetch, no framework, no randomness and no animation: the
 * browser test compares screenshots pixel by pixel, so the same responses must always paint the same pixels.
 * It repeats the page's `?zip=` on API calls because anonymous pricing depends on it.
 */
export const APP_JS = `"use strict";
(function () {
  var widget = document.getElementById("quote-widget");
  if (!widget) return;
  var product = widget.getAttribute("data-product") || "";
  var zip = widget.getAttribute("data-zip");
  var zipQuery = zip ? "zip=" + encodeURIComponent(zip) : "";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJson(url, init) {
    return fetch(url, init).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response.json();
    });
  }

  function cartText(cart) {
    return "Cart: " + cart.count + (cart.count === 1 ? " item" : " items") + " (" + cart.totalDisplay + ")";
  }

  function render(quote, cart) {
    var count = element("p", "cart-count", cartText(cart));
    count.id = "cart-count";
    var quantity = element("input");
    quantity.id = "quantity";
    quantity.type = "number";
    quantity.min = "1";
    quantity.max = "10";
    quantity.value = "1";
    var label = element("label", "", "Quantity ");
    label.appendChild(quantity);
    var button = element("button", "primary", "Add to cart");
    button.type = "button";
    button.id = "add-to-cart";
    button.addEventListener("click", function () {
      button.disabled = true;
      getJson("/api/cart" + (zipQuery ? "?" + zipQuery : ""), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product: product, quantity: Number(quantity.value) }),
      })
        .then(function (updated) { count.textContent = cartText(updated); })
        .catch(function (error) { count.textContent = "Could not update the cart: " + error.message; })
        .then(function () { button.disabled = false; });
    });

    widget.replaceChildren(
      element("h2", "", "Your live quote"),
      element("p", "quote-price", quote.display + " per year for " + quote.productName),
      element("p", "quote-meta", "Priced for " + quote.state + " " + quote.zip + ", valid until " + quote.validUntil),
      label,
      document.createTextNode(" "),
      button,
      count
    );
  }

  Promise.all([
    getJson("/api/quote?product=" + encodeURIComponent(product) + (zipQuery ? "&" + zipQuery : "")),
    getJson("/api/cart" + (zipQuery ? "?" + zipQuery : "")),
  ])
    .then(function (results) { render(results[0], results[1]); })
    .catch(function (error) { widget.textContent = "Live quote unavailable: " + error.message; });
})();
`;
