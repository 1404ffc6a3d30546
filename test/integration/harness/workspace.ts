// The workspace the tests open: a fresh copy of examples/ per run (quick fixes edit documents;
// the repo's examples stay untouched, and concurrent runs never share files). While examples/ has
// no Go module yet, a minimal one is generated instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forgetTempDir, removeOnExit, REPO_ROOT } from './util';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export interface Workspace {
  /** Absolute folder to open. */
  dir: string;
  source: 'examples' | 'generated';
  /** Go files, relative to dir, sorted (vendor/ and testdata/ excluded). */
  goFiles: string[];
  remove(): void;
}

const GENERATED: Record<string, string> = {
  'go.mod': 'module example.com/conndoctor-it\n\ngo 1.22\n',
  'main.go':
    'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() {\n\tresp, err := http.Get("http://127.0.0.1:8080/")\n\tif err != nil {\n\t\tfmt.Println(err)\n\t\treturn\n\t}\n\tfmt.Println(resp.Status)\n}\n',
};

function goFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!['vendor', 'testdata', 'node_modules', '.git'].includes(e.name)) walk(path.join(d, e.name));
      } else if (e.name.endsWith('.go')) out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

export function prepareWorkspace(name = 'ws'): Workspace {
  const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), `conndoctor-${name}-`)));
  const hasModule = fs.existsSync(EXAMPLES_DIR) && fs.readdirSync(EXAMPLES_DIR).length > 0 && goFilesIn(EXAMPLES_DIR).length > 0;
  if (hasModule) {
    fs.cpSync(EXAMPLES_DIR, dir, { recursive: true });
  } else {
    for (const [f, text] of Object.entries(GENERATED)) fs.writeFileSync(path.join(dir, f), text);
  }
  return {
    dir,
    source: hasModule ? 'examples' : 'generated',
    goFiles: goFilesIn(dir),
    remove: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      forgetTempDir(dir);
    },
  };
}
