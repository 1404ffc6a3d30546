// PLACEHOLDER for the "Live Sockets" view until the socket view (its own issue) lands: it only says
// "coming soon", so that the view container, the walkthrough step and `conndoctor.showSockets`
// lead somewhere instead of a view that never finishes loading. Delete this file and its one
// registration in extension.ts when src/vscode/socketView.ts registers the real provider.
import * as vscode from 'vscode';
import { SOCKETS_VIEW } from './ids';

class Placeholder implements vscode.WebviewViewProvider {
  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: false };
    const title = vscode.l10n.t('Live Sockets');
    const body = vscode.l10n.t('Coming soon: the TCP sockets of your running Go program, their states and what they tell about the code.');
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    view.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-descriptionForeground);padding:8px}</style></head>
<body><p id="placeholder"><strong>${esc(title)}</strong></p><p>${esc(body)}</p></body></html>`;
  }
}

export function registerSocketsPlaceholder(): vscode.Disposable {
  return vscode.window.registerWebviewViewProvider(SOCKETS_VIEW, new Placeholder());
}
