/** The shop's logo: a shield with a tick. Shapes only, no <text>, so it renders the same without fonts. */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32" role="img" aria-label="Acme Assurance">
  <path d="M16 2 L28 7 V15 C28 23 22 28 16 30 C10 28 4 23 4 15 V7 Z" fill="#1d4ed8"/>
  <path d="M10 16 L14 20 L22 11" fill="none" stroke="#ffffff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
