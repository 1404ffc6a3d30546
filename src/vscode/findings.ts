// The one door through which the socket view asks for the workspace's findings ("Find the cause"):
// the language server's `conndoctor/findings` request (analysis in the server, never in the
// extension host). The types are the agreed shape in src/server/protocol.ts.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { FINDINGS_REQUEST, type FindingsParams, type FindingsResult } from '../server/protocol';

export { FINDINGS_REQUEST, type FindingsParams, type FindingsResult };

let client: { client: LanguageClient; ready: () => Promise<void> } | undefined;

/** Set once by extension.ts when the language client is created. */
export function setFindingsClient(c: LanguageClient, ready: () => Promise<void>): void {
  client = { client: c, ready };
}

export async function requestFindings(
  params: FindingsParams,
  _workerDir?: string,
  token?: vscode.CancellationToken,
): Promise<FindingsResult> {
  if (!client) throw new Error('the Go Conn Doctor language server is not started');
  await client.ready();
  // an `undefined` token must not be passed: vscode-jsonrpc would send [params, null] as positional parameters and
  // the server's handler would get null as its cancellation token ("Cannot read properties of null")
  return token
    ? client.client.sendRequest<FindingsResult>(FINDINGS_REQUEST, params, token)
    : client.client.sendRequest<FindingsResult>(FINDINGS_REQUEST, params);
}
