// Editor polish a user sees (issue 11 item 13): the Settings editor groups our settings under
// "Go Conn Doctor" without a "Conndoctor" prefix on each, the walkthrough's on-save example fits
// the walkthrough pane and names the code action kind the extension registers, and Workspace Trust
// is declared honestly (analysis reads files; process inspection needs trust).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const nls: Record<string, string> = JSON.parse(read('package.nls.json'));

describe('editor polish', () => {
  it('settings: groups whose ids start with the key prefix, so the Settings editor labels "Enable", not "Conndoctor: Enable"', () => {
    // The Settings editor (VS Code 1.100, settingsTreeModels) drops the part of a key's category
    // that matches its group's id, and an extension with one group gets its extension id as the
    // group id ("go-conn-doctor.go-conn-doctor", which never matches "conndoctor"): hence groups.
    const groups = pkg.contributes.configuration as { id: string; title: string; properties: Record<string, unknown> }[];
    assert.ok(Array.isArray(groups) && groups.length > 1);
    for (const g of groups) {
      assert.match(g.id, /^conndoctor\.[a-z]+$/);
      const title = nls[g.title.replace(/%/g, '')];
      assert.ok(title && title !== 'Go Conn Doctor', `${g.id}: a section title other than the extension's name`);
      for (const k of Object.keys(g.properties)) assert.equal(k.split('.')[0], 'conndoctor', k);
    }
    assert.equal(pkg.displayName, 'Go Conn Doctor');
  });

  it('walkthrough: the on-save example is valid JSON, fits the pane, and uses the kind and title the extension has', () => {
    const md = read('media/walkthrough/fix.md');
    const block = /```json\n([\s\S]*?)```/.exec(md)![1];
    const parsed = JSON.parse(`{${block}}`);
    assert.deepEqual(parsed['[go]']['editor.codeActionsOnSave'], { 'source.fixAll.conndoctor': 'explicit' });
    for (const line of block.split('\n')) assert.ok(line.length <= 48, `too wide for the walkthrough pane: ${line}`);
    assert.match(read('src/server/codeActions.ts'), /FIX_ALL_KIND = 'source\.fixAll\.conndoctor'/);
    assert.ok(md.includes(`**${nls['command.fixAll']}**`), `names the command as the palette shows it: ${nls['command.fixAll']}`);
  });

  it('workspace trust: limited; goroutine dumps and the code fixes insert cannot be set by an untrusted workspace', () => {
    const t = pkg.capabilities.untrustedWorkspaces;
    assert.equal(t.supported, 'limited');
    assert.ok(nls[t.description.replace(/%/g, '')]);
    const settings = (pkg.contributes.configuration as { properties: Record<string, unknown> }[]).flatMap((g) => Object.keys(g.properties));
    for (const r of t.restrictedConfigurations) assert.ok(settings.includes(r), `${r} is a setting`);
    assert.ok(t.restrictedConfigurations.includes('conndoctor.goroutines.enabled'));
    for (const s of settings.filter((k: string) => k.startsWith('conndoctor.fix.')))
      assert.ok(t.restrictedConfigurations.includes(s), `${s}: text a workspace could make fix-all write into code`);
    // The guard process-inspecting features call, for the socket view.
    assert.match(read('src/vscode/trust.ts'), /export async function requireTrust\(/);
  });
});
