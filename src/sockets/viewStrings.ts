// Every string the Live Sockets webview shows, by id, in English. The extension host translates them with
// vscode.l10n.t (the English text is the key of l10n/bundle.l10n.zh-cn.json, like every other runtime string of
// the extension) and sends the table in the `hello` message, so l10n/ stays the one source of translations.
// {0}, {1} are filled by the view. Engine texts (guidance, candidate reasons) arrive bilingual from the engine.
export const VIEW_STRINGS = {
  // toolbar
  'toolbar.pause': 'Pause sampling',
  'toolbar.resume': 'Resume sampling',
  'toolbar.paused': 'Paused',
  'toolbar.interval': 'Sampling interval',
  'toolbar.export': 'Export',
  'toolbar.exportJson': 'Save snapshot as JSON',
  'toolbar.exportCsv': 'Save snapshot as CSV',
  'toolbar.exportMarkdown': 'Copy as Markdown table',
  'toolbar.switch': 'Switch process',
  'toolbar.target': '{0} · PID {1}',
  'toolbar.followed': 'restart followed (was PID {0})',
  'toolbar.sampled': 'sampled in {0} ms',
  // candidate kinds
  'kind.debug-session': 'debug session',
  'kind.delve-debuggee': 'Delve debuggee',
  'kind.go-run': 'go run',
  'kind.built-binary': 'built binary',
  'kind.go-process-in-workspace': 'Go process in the workspace',
  'kind.picked': 'picked',
  // states
  'state.discovering': 'Looking for the Go program of this workspace…',
  'state.noProcess': 'No Go program of this workspace is running',
  'state.noProcess.detail': 'Start it and this view attaches by itself: it recognises go run, built binaries and Delve debuggees.',
  'state.choose': 'Several Go programs of this workspace are running',
  'state.choose.detail': 'Pick the one to watch.',
  'state.exited': 'Process {0} exited',
  'state.exited.detail': 'Waiting for it to start again; its history is kept.',
  'state.missing': 'There is no process {0}',
  'state.missing.detail': 'It may have exited before the first sample. Pick a running process or enter another PID.',
  'state.denied': 'Not permitted to read the sockets of process {0}',
  'state.denied.owner': 'It runs as {0}. Run VS Code as that user, or pick another process.',
  'state.denied.detail': 'It belongs to another user. Run VS Code as that user, or pick another process.',
  'state.unsupported': 'Live sockets are not available on {0}',
  'state.unsupported.detail': 'There are collectors for Linux, macOS and Windows.',
  'state.error': 'Could not read the sockets',
  'state.untrusted': 'Live Sockets needs a trusted workspace',
  'state.untrusted.detail':
    'It looks for this workspace’s running Go program, reads its sockets, can fetch its goroutine dumps and start go run. In Restricted Mode Go Conn Doctor only reads files.',
  // actions
  'action.runGo': 'Run “go run .” in a terminal',
  'action.pick': 'Choose a process…',
  'action.manualPid': 'Enter a PID…',
  'action.retry': 'Look again',
  'action.learnMore': 'Learn more',
  'action.manageTrust': 'Manage Workspace Trust',
  // picker
  'picker.title': 'Go processes of this workspace',
  'picker.none': 'No Go process of this workspace was found.',
  'picker.attach': 'Attach',
  'picker.current': 'watching',
  'picker.pid': 'PID',
  'picker.pidPlaceholder': 'process id',
  'picker.pidInvalid': 'Enter a process id: a positive whole number.',
  'picker.close': 'Close',
  // chips
  'chips.label': 'Socket states',
  'chips.aria': '{0}: {1} sockets ({2} since the last sample). Activate to show only these in the table.',
  'chips.fds': 'fds',
  'chips.fdsOf': '{0} of {1}',
  'chips.total': 'total',
  // chart
  'chart.states': 'Socket states over time',
  'chart.fds': 'Open file descriptors',
  'chart.open': 'open fds',
  'chart.limit': 'fd limit',
  'chart.limitOff': '(far above the scale)',
  'chart.time': 'time',
  'chart.restart': 'restarted',
  // table
  'table.label': 'Sockets',
  'table.filter': 'Filter: state, address or port',
  'table.groupBy': 'Group by',
  'group.none': 'No grouping',
  'group.peer': 'Remote peer',
  'group.port': 'Local port',
  'group.portLabel': 'port {0}',
  'group.count': '{0} sockets',
  'table.count': '{0} of {1} sockets',
  'table.empty': 'No TCP sockets.',
  'table.noMatch': 'No socket matches the filter.',
  'table.clearFilter': 'Clear filter',
  'table.evidenceFilter': 'Showing the sockets of “{0}”.',
  'col.state': 'State',
  'col.local': 'Local',
  'col.remote': 'Remote',
  'col.recvQ': 'Recv-Q',
  'col.sendQ': 'Send-Q',
  'col.timer': 'Timer',
  'col.seenFor': 'Seen for',
  'row.opened': 'opened since the last sample',
  'row.closed': 'closed since the last sample',
  'row.byPort': 'tied to the process by its port (no file descriptor)',
  'row.atLeast': 'already open when sampling started: open at least this long',
  'timer.retransmit': 'retransmit',
  'timer.keepalive': 'keepalive',
  'timer.timewait': 'TIME_WAIT',
  'timer.probe': 'window probe',
  // guidance
  'guidance.title': 'Guidance',
  'guidance.none': 'No symptoms so far. The sockets are watched at every sample.',
  'guidance.why': 'Why this happens',
  'guidance.rules': 'Rules',
  'guidance.showSockets': 'Show these sockets',
  'guidance.findCause': 'Find the cause',
  'guidance.running': 'Analyzing the workspace…',
  'guidance.runningModule': 'Analyzing module {0}…',
  'guidance.runningProgram': 'Analyzing the attached program ({0})…',
  'scope.program': 'Searched the attached program: package {0} and the {1} package(s) of module {2} it imports.',
  'scope.programAlone': 'Searched the attached program: package {0} (it imports no other package of module {1}).',
  'scope.module': 'Searched module {0} (the attached program’s), in {1}.',
  'scope.moduleRoot': 'Searched module {0} (the attached program’s).',
  'scope.noModule': 'Searched the whole workspace: the attached program’s module is not in it.',
  'scope.noTarget': 'Searched the whole workspace: no program is attached.',
  'guidance.found': '{0} finding(s) of {1} in {2} file(s)',
  'guidance.notFound': 'No finding of {0} in {1} analyzed file(s).',
  'guidance.failed': 'The analysis failed: {0}',
  'guidance.lookFor': 'What to look for',
  'lookFor.close-wait':
    'A connection registry that never closes its entries: a map, slice or struct field that keeps each net.Conn (or a client wrapping one) and is not cleaned up when the peer goes away. Also a read loop that returns on io.EOF without calling Close, and response bodies never closed.',
  'lookFor.established-growth':
    'Connections kept past their use: clients created per request instead of shared, response bodies not closed, servers without IdleTimeout or ReadTimeout, and registries of connections that only grow.',
  'lookFor.time-wait-churn':
    'A new connection per request: an http.Client or Transport created per call, bodies not drained before Close (so keep-alive cannot reuse the connection), or DisableKeepAlives.',
  'lookFor.syn-sent':
    'Dials without a timeout to an address that does not answer: net.Dial, a zero net.Dialer, or a client whose Transport has no DialContext timeout.',
  'lookFor.send-q':
    'Writes without a deadline to a peer that stopped reading: SetWriteDeadline before each Write, or http.Server WriteTimeout.',
  'lookFor.accept-backlog':
    'An accept loop that stopped: it returned after an error, blocks on slow work before calling Accept again, or backs off because the process ran out of file descriptors.',
  'lookFor.fd-usage':
    'Whatever opens descriptors without closing them: connections, response bodies, files (os.Open without Close), and listeners created per request.',
  'lookFor.other-socket-fds':
    'UDP, UNIX or raw sockets opened per request and never closed: net.Dial("udp", …), net.ListenPacket, net.Dial("unix", …) and the clients built on them (DNS, syslog, metrics) return conns that hold an fd until Close.',
  'lookFor.dead-socket-fds':
    'Connections the kernel already closed (the peer reset them) that the program still holds: error paths that return without Close, and registries that keep dead connections.',
  // goroutines
  'goroutines.title': 'Goroutines blocked in network I/O',
  'goroutines.one': '1 goroutine blocked in {0} at {1}',
  'goroutines.many': '{0} goroutines blocked in {1} at {2}',
  'goroutines.oneOutside': '1 goroutine blocked in {0} outside your code',
  'goroutines.manyOutside': '{0} goroutines blocked in {1} outside your code',
  'goroutines.createdAt': 'started at {0}',
  'goroutines.waiting': 'waiting for {0} min',
  'goroutines.stack': 'Stack',
  'goroutines.off':
    'Turn on conndoctor.goroutines.enabled to see which goroutines are blocked in network I/O (read from the program’s own /debug/pprof on loopback).',
  'goroutines.noPprof':
    'The program serves no /debug/pprof on a loopback listener. Import _ "net/http/pprof" and serve it on 127.0.0.1 to see its goroutines here.',
  'goroutines.searching': 'Looking for /debug/pprof on the program’s loopback listeners…',
  'goroutines.none': 'No goroutine is blocked in network I/O.',
  'goroutines.total': '{0} goroutines in total, from port {1}',
  'goroutines.error': 'Could not read the goroutines: {0}',
  // misc
  'misc.otherNetns': 'The process runs in another network namespace.',
  'misc.notes': 'Not everything could be read',
  'misc.open': 'Open {0}',
  // durations
  'dur.ms': '{0} ms',
  'dur.s': '{0} s',
  'dur.min': '{0} min',
  'dur.h': '{0} h',
} as const;

export type ViewStringId = keyof typeof VIEW_STRINGS;

/** The `hello` table: each string through the host's translator (vscode.l10n.t in the extension). */
export function translateViewStrings(t: (english: string) => string): Record<ViewStringId, string> {
  const out = {} as Record<ViewStringId, string>;
  for (const [id, en] of Object.entries(VIEW_STRINGS) as [ViewStringId, string][]) out[id] = t(en);
  return out;
}

/** Strings that read the same in every language (names, column names of `ss`): no translation needed. */
export const SAME_IN_ALL_LANGUAGES: ReadonlySet<string> = new Set(['{0} · PID {1}', 'go run', 'PID', 'Recv-Q', 'Send-Q', 'TIME_WAIT']);
