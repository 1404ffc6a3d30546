// The Live Sockets webview's HTML with its Content Security Policy. One home for both the extension host
// (src/vscode/socketView.ts passes webview.cspSource and asWebviewUri URIs) and the headless-Chromium tests, so
// the tests run the view under exactly the policy VS Code gets.
//
// The policy: nothing by default; scripts only by nonce (no eval, no inline handlers); styles, fonts and images
// only from the extension's own dist/ (no inline <style> or style="" attributes: the UI sets styles through the
// CSSOM, which CSP does not govern, and web components use constructable stylesheets); no network access at all.

export interface ViewHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** fresh per render, from a CSPRNG */
  nonce: string;
  /** URIs (as webview URIs) of dist/webview.js, dist/webview.css and dist/codicon.css */
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  /** document language: 'en' or 'zh-cn' */
  lang: string;
  /** the view's accessible title */
  title: string;
}

const escAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function viewHtml(o: ViewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('viewHtml: the nonce must be at least 16 base64 characters');
  return `<!DOCTYPE html>
<html lang="${escAttr(o.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escAttr(o.codiconUri)}" nonce="${escAttr(o.nonce)}">
<link rel="stylesheet" href="${escAttr(o.styleUri)}">
<title>${escAttr(o.title)}</title>
</head>
<body>
<main id="app" aria-label="${escAttr(o.title)}"></main>
<script nonce="${escAttr(o.nonce)}" src="${escAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
