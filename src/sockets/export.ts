// Exports of a socket snapshot for bug reports: JSON (everything), CSV (RFC 4180: CRLF line ends, fields with a
// comma, quote, CR or LF in double quotes, quotes doubled) and a Markdown table (pipes escaped, one line per row).
import { analyzeHistory, type Guidance } from './guidance';
import { endpoint, TCP_STATES } from './model';
import type { History, TrackedSocket } from './sampler';

/** One CSV field (RFC 4180 §2.6–2.7). Leading = + - @ are left alone: this is data, not a spreadsheet formula. */
export function csvField(v: string | number | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: Array<string | number | undefined | null>): string {
  return fields.map(csvField).join(',');
}

/** RFC 4180 text: header + records, each ending in CRLF. */
export function toCsv(header: string[], rows: Array<Array<string | number | undefined | null>>): string {
  return [header, ...rows].map((r) => `${csvLine(r)}\r\n`).join('');
}

/** A Markdown table cell: pipes and backslashes escaped, line breaks as spaces. */
export function mdCell(v: string | number | undefined | null): string {
  const s = v === undefined || v === null ? '' : String(v);
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ');
}

export function toMarkdownTable(header: string[], rows: Array<Array<string | number | undefined | null>>, right: number[] = []): string {
  const line = (cells: Array<string | number | undefined | null>) => `| ${cells.map(mdCell).join(' | ')} |`;
  const sep = `|${header.map((_, i) => (right.includes(i) ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

const COLUMNS = [
  'state',
  'local',
  'remote',
  'recv_q',
  'send_q',
  'timer',
  'timer_ms',
  'retransmits',
  'fd',
  'inode',
  'attribution',
  'seen_for_s',
  'in_state_s',
  'first_seen',
] as const;

function socketRow(s: TrackedSocket, time: number): Array<string | number | undefined> {
  return [
    s.state,
    endpoint(s.localAddress, s.localPort),
    s.state === 'LISTEN' ? '*' : endpoint(s.remoteAddress, s.remotePort),
    s.recvQ,
    s.sendQ,
    s.timer,
    s.timer === 'none' ? undefined : s.timerMs,
    s.retransmits,
    s.fd,
    s.inode,
    s.attribution,
    Math.round((time - s.firstSeen) / 100) / 10,
    Math.round((time - s.stateSince) / 100) / 10,
    new Date(s.firstSeen).toISOString(),
  ];
}

const STATE_ORDER = new Map(TCP_STATES.map((s, i) => [s, i]));
function sorted(socks: readonly TrackedSocket[]): TrackedSocket[] {
  return [...socks].sort(
    (a, b) =>
      (STATE_ORDER.get(a.state) ?? 99) - (STATE_ORDER.get(b.state) ?? 99) || a.localPort - b.localPort || a.remotePort - b.remotePort,
  );
}

/** The latest sample's sockets as CSV (one row per socket). `seen_for_s` counts from our first sample. */
export function snapshotCsv(h: History): string {
  const l = h.latest;
  if (!l) return toCsv([...COLUMNS], []);
  return toCsv(
    [...COLUMNS],
    sorted(l.sockets).map((s) => socketRow(s, l.time)),
  );
}

export interface SnapshotExport {
  tool: 'go-conn-doctor';
  pid: number;
  process?: { name?: string; exe?: string; cwd?: string; kind?: string };
  time: string;
  firstSample?: string;
  counts: Record<string, number>;
  fds?: History['samples'][number]['fds'];
  otherSocketFds?: number;
  otherSockets?: History['samples'][number]['otherSockets'];
  guidance: Array<{ id: string; severity: string; title: string; evidence: string; rules: string[] }>;
  sockets: Array<Record<string, string | number | undefined>>;
}

/** Everything about the latest sample, for attaching to a bug report. */
export function snapshotJson(h: History, proc?: SnapshotExport['process'], guidance: Guidance[] = analyzeHistory(h)): SnapshotExport {
  const l = h.latest;
  const last = h.samples.at(-1);
  const counts: Record<string, number> = {};
  if (last) for (const s of TCP_STATES) if (last.counts[s]) counts[s] = last.counts[s];
  return {
    tool: 'go-conn-doctor',
    pid: h.pid,
    process: proc,
    time: new Date(l?.time ?? Date.now()).toISOString(),
    firstSample: h.since !== undefined ? new Date(h.since).toISOString() : undefined,
    counts,
    fds: l?.fds,
    otherSocketFds: l?.otherSocketFds,
    otherSockets: l?.otherSockets,
    guidance: guidance.map((g) => ({ id: g.id, severity: g.severity, title: g.title.en, evidence: g.evidence.text.en, rules: g.rules })),
    sockets: l
      ? sorted(l.sockets).map((s) => {
          const row = socketRow(s, l.time);
          return Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]]));
        })
      : [],
  };
}

/**
 * A Markdown summary for a bug report: the counts line, the active symptoms, and the sockets table (at most
 * `maxRows`, CLOSE_WAIT and other unusual states first).
 */
export function snapshotMarkdown(h: History, title: string, guidance: Guidance[] = analyzeHistory(h), maxRows = 200): string {
  const l = h.latest;
  if (!l) return `**${mdCell(title)}**: no sample yet\n`;
  const last = h.samples.at(-1);
  const counts = TCP_STATES.filter((s) => last?.counts[s]).map((s) => `${s} ${last!.counts[s]}`);
  const out: string[] = [];
  out.push(`**${mdCell(title)}** — pid ${h.pid}, ${new Date(l.time).toISOString()}`);
  out.push('');
  out.push(
    `${counts.join(' · ') || 'no TCP sockets'}${l.fds ? ` · fds ${l.fds.open}${l.fds.softLimit ? ` / ${l.fds.softLimit}` : ''}` : ''}`,
  );
  if (guidance.length) {
    out.push('');
    for (const g of guidance) out.push(`- **${mdCell(g.title.en)}** (${g.severity}): ${mdCell(g.evidence.text.en)}`);
  }
  const order = (s: TrackedSocket) => (s.state === 'CLOSE_WAIT' ? 0 : s.state === 'ESTABLISHED' || s.state === 'LISTEN' ? 2 : 1);
  const rows = sorted(l.sockets).sort((a, b) => order(a) - order(b));
  const shown = rows.slice(0, maxRows);
  out.push('');
  out.push(
    toMarkdownTable(
      ['State', 'Local', 'Remote', 'Recv-Q', 'Send-Q', 'Seen for (s)', 'fd'],
      shown.map((s) => {
        const r = socketRow(s, l.time);
        return [r[0], r[1], r[2], r[3], r[4], r[11], r[8]];
      }),
      [3, 4, 5, 6],
    ),
  );
  if (rows.length > shown.length) out.push(`\n… ${rows.length - shown.length} more sockets not shown`);
  return `${out.join('\n')}\n`;
}
