// The package's own version, for `conndoctor version`, SARIF and the language server's serverInfo.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** package.json sits one level up from both dist/ and src/. */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
