// `conndoctor --format sarif` as GitHub code scanning reads it: valid against the SARIF 2.1.0
// schema (the copy @microsoft/jest-sarif ships), relative URIs under %SRCROOT%, fingerprints that
// survive lines moving, a helpUri per rule, and fixes that reproduce what --fix writes.
import { strict as assert } from 'node:assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { ROOT, runCli as run, writeTree } from './helpers/cli';

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region } }[];
  partialFingerprints: Record<string, string>;
  fixes?: {
    description: { text: string };
    artifactChanges: { replacements: { deletedRegion: Region; insertedContent: { text: string } }[] }[];
  }[];
}

function validator() {
  const schema = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'),
  );
  const ajv = new Ajv({ schemaId: 'auto', allErrors: true });
  ajv.addMetaSchema(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'ajv', 'lib', 'refs', 'json-schema-draft-04.json'), 'utf8')));
  return ajv.compile(schema);
}

function sarif(args: string[], cwd: string) {
  const r = run(['--format', 'sarif', ...args], cwd);
  assert.ok(r.code === 0 || r.code === 1, r.err);
  return JSON.parse(r.out);
}

/** Applies SARIF replacements (1-based lines, UTF-16 columns) to text. */
function applyReplacements(text: string, reps: { deletedRegion: Region; insertedContent: { text: string } }[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const off = (line: number, col: number) => starts[line - 1] + col - 1;
  const edits = reps.map((r) => ({
    start: off(r.deletedRegion.startLine, r.deletedRegion.startColumn),
    end: off(r.deletedRegion.endLine, r.deletedRegion.endColumn),
    text: r.insertedContent.text,
  }));
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

describe('conndoctor --format sarif', function () {
  this.timeout(60000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-sarif-'));
    // Only dial.go: the rule's fixture folder also holds other packages (subfolders).
    mkdirSync(join(dir, 'pkg one'));
    cpSync(join(ROOT, 'test', 'fixtures', 'conn-not-closed', 'dial.go'), join(dir, 'pkg one', 'dial.go'));
    cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
    writeTree(dir, { 'go.mod': 'module example.com/s\n\ngo 1.22\n', 'gen/huge.go': `package gen\n${'// x\n'.repeat(600000)}` });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid SARIF 2.1.0 (schema), with every rule, helpUri, levels and regions', () => {
    const validate = validator();
    const s = sarif(['./...'], dir);
    assert.ok(validate(s), JSON.stringify(validate.errors, null, 2));
    // The validator does reject what the schema forbids.
    const broken = structuredClone(s);
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(broken), false);
    const run0 = s.runs[0];
    assert.equal(run0.tool.driver.name, 'conndoctor');
    const rules = run0.tool.driver.rules as { id: string; helpUri: string }[];
    for (const r of rules) assert.match(r.helpUri, new RegExp(`^https://\\S+/docs/rules/${r.id}\\.md$`));
    // Every rule page exists in the repository.
    for (const r of rules) readFileSync(join(ROOT, 'docs', 'rules', `${r.id}.md`));
    const results = run0.results as SarifResult[];
    assert.ok(results.length > 10);
    for (const res of results) {
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1 && res.locations[0].physicalLocation.region.startColumn >= 1);
    }
    // Skipped input is told to code scanning's tool status page.
    const notes = run0.invocations[0].toolExecutionNotifications as { message: { text: string } }[];
    assert.ok(notes.some((n) => /gen\/huge\.go: skipped, 2\.9 MB is over the 2 MB limit/.test(n.message.text)));
    assert.equal(run0.invocations[0].executionSuccessful, true);
  });

  it('uris are relative to the working directory under %SRCROOT% (percent-encoded); files outside it are absolute file: URIs', () => {
    const s = sarif(['--rules', 'conn-not-closed', './...'], dir);
    const run0 = s.runs[0];
    assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(`${dir}/`).href);
    const locs = (run0.results as SarifResult[]).map((r) => r.locations[0].physicalLocation.artifactLocation);
    assert.ok(locs.some((l) => l.uri === 'pkg%20one/dial.go' && l.uriBaseId === '%SRCROOT%'));
    assert.ok(locs.every((l) => !l.uri.startsWith('/') && l.uriBaseId === '%SRCROOT%'));
    const outside = sarif(['--rules', 'conn-not-closed', join(dir, 'pkg one')], join(dir, 'examples'));
    const l = (outside.runs[0].results as SarifResult[])[0].locations[0].physicalLocation.artifactLocation;
    assert.equal(l.uri, pathToFileURL(join(dir, 'pkg one', 'dial.go')).href);
    assert.equal(l.uriBaseId, undefined);
  });

  it('fingerprints do not change when lines are inserted above a finding, and differ between findings', () => {
    const work = mkdtempSync(join(tmpdir(), 'cd-fp-'));
    try {
      cpSync(join(dir, 'examples'), work, { recursive: true });
      const prints = () =>
        (sarif(['./...'], work).runs[0].results as SarifResult[]).map((r) => ({
          key: `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}`,
          line: r.locations[0].physicalLocation.region.startLine,
          fp: r.partialFingerprints['conndoctor/v1'],
        }));
      const before = prints();
      assert.ok(before.length >= 10);
      assert.equal(new Set(before.map((p) => p.fp)).size, before.length, 'unique per finding');
      for (const p of before) assert.match(p.fp, /^[0-9a-f]{32}:\d+$/);
      // Insert lines at the top of every file with a finding, and a blank line inside a function.
      for (const file of new Set(before.map((p) => p.key.split(' ')[1]))) {
        const path = join(work, decodeURIComponent(file));
        const text = readFileSync(path, 'utf8');
        writeFileSync(
          path,
          text.replace(/^package /m, '// A new comment.\n// And another.\n\npackage ').replace(/\n\t(\w+), err :=/, '\n\n\t$1, err :='),
        );
      }
      const after = prints();
      assert.equal(after.length, before.length);
      for (let i = 0; i < before.length; i++) {
        assert.ok(after[i].line > before[i].line, `${after[i].key} moved`);
        assert.equal(after[i].fp, before[i].fp, `${before[i].key} kept its fingerprint`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('fixes are SARIF fixes; applying the preferred one gives the same text as the JSON edits', () => {
    const s = sarif(['--rules', 'conn-not-closed', 'pkg one'], dir);
    const json = JSON.parse(run(['--format', 'json', '--rules', 'conn-not-closed', 'pkg one'], dir).out) as {
      fixes: { title: string; edits: { start: number; end: number; newText: string }[] }[];
    }[];
    const text = readFileSync(join(dir, 'pkg one', 'dial.go'), 'utf8');
    const results = s.runs[0].results as SarifResult[];
    assert.equal(results.length, json.length);
    let compared = 0;
    results.forEach((res, i) => {
      for (let k = 0; k < (res.fixes ?? []).length; k++) {
        const fix = res.fixes![k];
        assert.equal(fix.description.text, json[i].fixes[k].title);
        const viaSarif = applyReplacements(text, fix.artifactChanges[0].replacements);
        let viaJson = text;
        for (const e of [...json[i].fixes[k].edits].sort((a, b) => b.start - a.start))
          viaJson = viaJson.slice(0, e.start) + e.newText + viaJson.slice(e.end);
        assert.equal(viaSarif, viaJson);
        compared++;
      }
    });
    assert.ok(compared >= 3, `${compared} fixes compared`);
  });
});
