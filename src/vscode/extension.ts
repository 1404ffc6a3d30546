// Extension entry point. Activation stays cheap: the parser and the rules load on first use.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
