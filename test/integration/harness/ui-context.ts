// What a UI scenario (test/integration/ui/*.ui.ts) gets: the shared workbench window (the repo
// loaded as development extension, the test workspace open) and a place to record figures.
import type { Workbench } from './browser';
import type { CodeServer } from './server';
import type { Workspace } from './workspace';

export interface UiContext {
  /** The chromium window with the workbench; opened once for all scenarios. */
  readonly wb: Workbench;
  readonly server: CodeServer;
  /** The workspace copy that is open (examples/ or a generated module). */
  readonly workspace: Workspace;
  /** Record a figure for the timings summary (test-results/integration/timings.json). */
  record(name: string, value: number | string): void;
}
