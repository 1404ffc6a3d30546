// Captures the CSS variables and body class real VS Code (code-server 4.100.3, VS Code 1.100.3) gives a webview
// in each theme, into test/ui/themes/<id>.json; the UI tests apply them so the screenshots show real theme
// colours. Run again after a VS Code update: npx tsx test/ui/capture-themes.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeServer, ensureCodeServer, Workbench } from '../integration/harness';

const REPO = join(__dirname, '..', '..');
const THEMES: [id: string, name: string][] = [
  ['light', 'Default Light Modern'],
  ['dark', 'Default Dark Modern'],
  ['hc-dark', 'Default High Contrast'],
  ['hc-light', 'Default High Contrast Light'],
];

async function main(): Promise<void> {
  const install = await ensureCodeServer();
  for (const [id, theme] of THEMES) {
    const server = await CodeServer.start(install, { name: `theme-${id}`, settings: { 'workbench.colorTheme': theme } });
    try {
      const wb = await Workbench.open(server, { folder: join(REPO, 'examples'), extensionDevelopmentPath: REPO, name: `theme-${id}` });
      try {
        await wb.page.locator('.activitybar .action-item .action-label[aria-label^="Go Conn Doctor"]').first().click();
        const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
        await frame.locator('body').waitFor({ timeout: 30000 });
        const style = (await frame.locator('html').getAttribute('style')) ?? '';
        const bodyClass = (await frame.locator('body').getAttribute('class')) ?? '';
        const vars: Record<string, string> = {};
        for (const decl of style.split(/;\s*(?=--)/)) {
          const i = decl.indexOf(':');
          if (i > 0 && decl.trim().startsWith('--'))
            vars[decl.slice(0, i).trim()] = decl
              .slice(i + 1)
              .trim()
              .replace(/;$/, '');
        }
        const out = { theme, vscode: '1.100.3', bodyClass, vars };
        writeFileSync(join(__dirname, 'themes', `${id}.json`), `${JSON.stringify(out, null, 1)}\n`);
        console.log(`${id}: ${Object.keys(vars).length} variables, body class "${bodyClass}"`);
      } finally {
        await wb.close();
      }
    } finally {
      await server.stop();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
