// A connection or listener acquired in a function that is neither closed nor handed off on some
// path: each leak is an fd and, once the peer hangs up, a socket stuck in CLOSE_WAIT.
import type { Rule } from '../model';
import { acquisitions, analyzeAcquisition } from '../facts/lifecycle';
import { isClosable, isListener, type Kind } from '../facts/kinds';
import { closerOf } from '../facts/thirdparty';
import { unparen } from '../facts/syntax';
import { registryStores, unclosedStore, type RegistryStore } from '../facts/registry';
import type { RuleContext } from '../context';
import { calleeName, closeFixes, describeExit, valueName } from './_close';

const rule: Rule = {
  meta: {
    id: 'conn-not-closed',
    title: 'Connection or listener not closed on every path',
    severity: 'warning',
    category: 'close',
    description:
      'A net.Conn or net.Listener obtained here is not closed (nor returned, stored or handed to a goroutine that closes it) on some path. The file descriptor leaks; after the peer closes, the socket sits in CLOSE_WAIT until the process exits, and enough of them end in "too many open files". Close it with `defer c.Close()` right after the error check, or on the early-return path.',
    zh: {
      title: '连接或监听器未在所有路径上关闭',
      description:
        '此处获得的 net.Conn 或 net.Listener 在某条路径上既没有关闭，也没有返回、保存或交给负责关闭的 goroutine。文件描述符会泄漏；对端关闭后套接字一直停留在 CLOSE_WAIT，直到进程退出，积累多了就会出现 "too many open files"。应在错误检查之后立即 `defer c.Close()`，或在提前返回的路径上关闭它。',
    },
    docs: 'conn-not-closed',
  },
  check(ctx) {
    for (const a of acquisitions(ctx.file, 'closer', isClosable)) {
      const closer = closerOf(a.kind);
      const fn = unparen(a.call.childForFieldName('function'));
      if (closer?.notFrom && fn?.type === 'selector_expression' && closer.notFrom.includes(fn.childForFieldName('field')?.text ?? ''))
        continue;
      // A QUIC stream dies with its connection: only streams of a connection kept elsewhere
      // (`s.conn.OpenStream()`) accumulate, one per unclosed stream, against the peer's limit.
      if (
        closer?.noun === 'QUIC stream' &&
        unparen(unparen(a.call.childForFieldName('function'))?.childForFieldName('operand'))?.type !== 'selector_expression'
      )
        continue;
      if (!a.ident) {
        const what = noun(a.kind);
        ctx.report(a.call, `the ${what} returned by ${calleeName(a)} is discarded and never closed`);
        continue;
      }
      const res = analyzeAcquisition(ctx.file, a, 'closer');
      if (!res || !res.exits.length) continue;
      // A QUIC stream whose own write failed has been reset or its connection is gone: only a stream
      // that is never closed nor handed off on any path is sure to stay open.
      if (closer?.noun === 'QUIC stream' && (res.closedExplicitly || res.deferredClose || res.handedOff)) continue;
      // CloseWrite/CloseRead without Close is its own, more specific finding.
      if (res.halfCloses.length && !res.closedExplicitly && !res.deferredClose) continue;
      if (res.borrowers.some((b) => b.call.parent?.type === 'go_statement' && halfClosesIn(ctx.pkg.funcs.get(b.fn)?.node.text))) continue;
      const name = valueName(a);
      const what = noun(a.kind);
      const where = describeExit(ctx, res.exits[0]);
      const more = res.exitCount > 1 ? ` (and ${res.exitCount - 1} other path${res.exitCount > 2 ? 's' : ''})` : '';
      const borrow = res.borrowers.length ? `; ${res.borrowers[0].fn}(${name}) uses it but does not close it` : '';
      const msg = `${what} ${name} from ${calleeName(a)} is not closed at ${where}${more}${borrow}`;
      ctx.report(a.call, msg, closeFixes(ctx, a, res, `${name}${closer?.fix ?? '.Close()'}`));
    }
    // Connections kept in a map, slice or field that nothing in the package ever closes.
    for (const s of registryStores(ctx.file)) {
      const u = unclosedStore(ctx.file, s);
      if (u) ctx.report(u.at, registryMessage(ctx, u));
    }
  },
};

function registryMessage(ctx: RuleContext, s: RegistryStore): string {
  const name = s.conn?.text ?? 'the connection';
  const holder = s.holder.kind === 'field' ? `${s.holder.struct}.${s.holder.field}` : s.holder.name;
  const stays = 'each stays open (in CLOSE_WAIT once its peer hangs up) until the process exits';
  if (s.shape === 'field') return `connection ${name} is kept in ${holder}, but nothing in the package ever closes ${holder}: ${stays}`;
  let dropped = '';
  if (s.deleted) {
    const where =
      s.deleted.file === ctx.file
        ? `at line ${ctx.lineIndex().position(s.deleted.node.startIndex).line + 1}`
        : `in ${s.deleted.file.path.replace(/^.*\//, '')}`;
    dropped = ` (the delete ${where} drops one without closing it)`;
  }
  const what = s.element
    ? `connection ${name} is kept (in a ${s.element.struct}) in ${holder}, but nothing in the package closes ${s.element.struct}.${s.element.fields[0]} or the ${s.element.struct}s kept there`
    : `connection ${name} is kept in ${holder}, but nothing in the package closes the connections kept there`;
  return `${what}${dropped}: ${stays}; close it where it is removed, or in the holder's Close`;
}

/** "connection", "listener", or the third-party type's own noun ("websocket connection", "SSH session"). */
function noun(k: Kind): string {
  return closerOf(k)?.noun ?? (isListener(k) ? 'listener' : 'connection');
}

function halfClosesIn(text: string | undefined): boolean {
  return !!text && /\.Close(Write|Read)\(\)/.test(text);
}

export default rule;
