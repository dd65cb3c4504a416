// The service's public origin as links are built from it: PUBLIC_BASE_URL may be set with a trailing slash
// ("https://shop.example/"), and `${base}/admin` must not become "https://shop.example//admin".

/** `url` without its trailing slashes. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
