/**
 * The nonce the server put in this page's CSP and in `<meta name="csp-nonce">`. Style elements
 * created at run time (Mantine's CSS variables, CodeMirror's themes) carry it; without it the
 * browser would refuse them under `style-src 'self' 'nonce-…'`.
 */
export function cspNonce(): string | undefined {
  const v = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content');
  return v && v !== '__CSP_NONCE__' ? v : undefined;
}
