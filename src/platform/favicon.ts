// The service's tab icon, one SVG for the admin panel and the invoice page (served by
// surfaces/http/favicon.routes.ts, linked from both pages' <head>).
export const FAVICON_PATH = '/favicon.svg';

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#0969da"/>' +
  '<path d="M10 7h4v14h8v4H10z" fill="#fff"/>' +
  '</svg>';
