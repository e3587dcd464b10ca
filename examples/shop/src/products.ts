/** The catalogue. `image` alt text differs per product so screenshots and recordings show which page is which. */
export const PRODUCTS = {
  "home-insurance": {
    name: "Home insurance",
    tagline: "Cover for your building and everything in it.",
    imageAlt: "A house on a lawn",
  },
  "car-insurance": {
    name: "Car insurance",
    tagline: "Comprehensive cover, courtesy car included.",
    imageAlt: "A house with a driveway for your car",
  },
  "travel-insurance": {
    name: "Travel insurance",
    tagline: "Medical, luggage and cancellation cover for a year of trips.",
    imageAlt: "A house you leave behind when you travel",
  },
} as const;

export type ProductSlug = keyof typeof PRODUCTS;

export const PRODUCT_SLUGS = Object.keys(PRODUCTS) as ProductSlug[];

export const DEFAULT_PRODUCT: ProductSlug = "home-insurance";

export function isProductSlug(value: string | undefined): value is ProductSlug {
  return value !== undefined && Object.hasOwn(PRODUCTS, value);
}
