import { html } from "hono/html";
import type { ApplicationDraft } from "../application.ts";
import type { Customer } from "../customers.ts";
import { formatUsd } from "../money.ts";
import { COVER_LEVELS } from "../pricing.ts";
import { PRODUCTS } from "../products.ts";
import type { ProductSlug } from "../products.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

export type Step1Values = { product: ProductSlug; fullName: string; dateOfBirth: string; zip: string };

function errorList(errors: readonly string[]): Html {
  if (errors.length === 0) return html``;
  return html`<ul class="errors" role="alert">${errors.map((error) => html`<li>${error}</li>`)}</ul>`;
}

/** Step 1. The SSN is never put back into the form after an error, as PCI-minded sites do with secrets. */
export function applyStep1Page(
  customer: Customer | undefined,
  values: Step1Values,
  errors: readonly string[],
): Html {
  return layout(
    "Apply: your details",
    customer,
    html`<h1>Apply for ${PRODUCTS[values.product].name}</h1>
<p>Step 1 of 3: your details</p>
${errorList(errors)}
<form class="stacked" method="post" action="/apply/step1">
  <input type="hidden" name="product" value="${values.product}">
  <label>Full name <input name="fullName" autocomplete="name" value="${values.fullName}" required></label>
  <label>Date of birth <input name="dateOfBirth" type="date" autocomplete="bday" value="${values.dateOfBirth}" required></label>
  <label>ZIP code <input name="zip" autocomplete="postal-code" inputmode="numeric" pattern="[0-9]{5}" value="${values.zip}" required></label>
  <label>Social Security number (ssn) <input name="ssn" autocomplete="off" inputmode="numeric" placeholder="123-45-6789" required></label>
  <button class="primary" type="submit">Continue</button>
</form>`,
  );
}

/** Step 2 carries a file input, so the browser must send multipart/form-data. */
export function applyStep2Page(
  customer: Customer | undefined,
  draft: ApplicationDraft,
  errors: readonly string[],
): Html {
  return layout(
    "Apply: your cover",
    customer,
    html`<h1>Apply for ${PRODUCTS[draft.product].name}</h1>
<p>Step 2 of 3: your cover, ${draft.fullName}</p>
${errorList(errors)}
<form class="stacked" method="post" action="/apply/step2" enctype="multipart/form-data">
  <label>Cover level
    <select name="cover">
      ${Object.entries(COVER_LEVELS).map(
        ([value, level]) =>
          html`<option value="${value}"${value === (draft.cover ?? "standard") ? " selected" : ""}>${level.label}</option>`,
      )}
    </select>
  </label>
  <label>Start date <input name="startDate" type="date" value="${draft.startDate ?? ""}" required></label>
  <label>Proof of address (optional) <input name="proof" type="file" accept=".pdf,.png,.jpg,.txt"></label>
  <button class="primary" type="submit">Review</button>
</form>`,
  );
}

export function applySummaryPage(
  customer: Customer | undefined,
  draft: ApplicationDraft,
  premiumCents: number,
): Html {
  const cover = draft.cover === undefined ? "" : COVER_LEVELS[draft.cover].label;
  return layout(
    "Apply: review",
    customer,
    html`<h1>Review your application</h1>
<p>Step 3 of 3. Application number <strong id="application-number">${draft.number}</strong></p>
<dl class="summary">
  <dt>Product</dt><dd>${PRODUCTS[draft.product].name}</dd>
  <dt>Full name</dt><dd>${draft.fullName}</dd>
  <dt>Date of birth</dt><dd>${draft.dateOfBirth}</dd>
  <dt>ZIP code</dt><dd>${draft.zip}</dd>
  <dt>SSN</dt><dd>ending ${draft.ssnLast4}</dd>
  <dt>Cover level</dt><dd>${cover}</dd>
  <dt>Start date</dt><dd>${draft.startDate}</dd>
  <dt>Proof of address</dt><dd>${draft.proof === undefined ? "none" : `${draft.proof.name} (${draft.proof.size} bytes)`}</dd>
  <dt>Annual premium</dt><dd>${formatUsd(premiumCents)}</dd>
</dl>
<form method="post" action="/apply/confirm">
  <button class="primary" type="submit">Submit application</button>
</form>`,
  );
}

export function applyDonePage(customer: Customer | undefined, number: string | undefined): Html {
  return layout(
    "Application received",
    customer,
    number === undefined
      ? html`<h1>No application</h1><p>There is no submitted application in this session. <a href="/apply">Start one</a>.</p>`
      : html`<h1>Application received</h1><p>Thank you. Your application number is <strong>${number}</strong>.</p>`,
  );
}

/** Steps 2 and 3 need the earlier steps' answers, kept in the session; without them, start again. */
export function applyRestartPage(customer: Customer | undefined): Html {
  return layout(
    "Apply",
    customer,
    html`<h1>Your application has expired</h1><p>Please <a href="/apply">start again at step 1</a>.</p>`,
  );
}
