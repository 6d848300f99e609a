// The staff pages' empty-state picture: a shield, inline (nothing is fetched from outside the app).
const SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" width="226" height="226" viewBox="0 0 226 226">` +
  `<circle cx="113" cy="113" r="100" fill="#f1f8f5"/>` +
  `<path d="M113 45l52 20v40c0 34-22 62-52 74-30-12-52-40-52-74V65z" fill="#29845a"/>` +
  `<path d="M90 112l16 16 31-33" fill="none" stroke="#fff" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export const EMPTY_STATE_IMAGE = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(SVG)}`;
