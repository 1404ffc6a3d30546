// A connection or listener acquired in a function that is neither closed nor handed off on some
// path: each leak is an fd and, once the peer hangs up, a socket stuck in CLOSE_WAIT.
import type { Rule } from '../model';
import { acquisitions, analyzeAcquisition } from '../facts/lifecycle';
import { isClosable, isListener, type Kind } from '../facts/kinds';
import { closerOf } from '../facts/thirdparty';
import { unparen } from '../facts/syntax';
import { registryStores, unclosedStore, type RegistryStore } from '../facts/registry';
import type { RuleContext } from '../context';
import { calleeName, closeFixes, leakMessages, reportLeak, valueName } from './_close';

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
    messages: {
      discarded: {
        en: 'the {what} returned by {callee} is discarded and never closed',
        zh: '{callee} 返回的 {what} 被丢弃，从未关闭',
      },
      ...leakMessages({ en: '{what} {name} from {callee}', zh: '来自 {callee} 的 {what} {name} ' }),
      'kept-field': {
        en: 'connection {name} is kept in {holder}, but nothing in the package ever closes {holder}',
        zh: '连接 {name} 保存在 {holder} 中，但包内没有任何代码关闭 {holder}',
      },
      kept: {
        en: 'connection {name} is kept in {holder}, but nothing in the package closes those kept there',
        zh: '连接 {name} 保存在 {holder} 中，但包内没有任何代码关闭其中保存的连接',
      },
      'kept-element': {
        en: '{name} (in a {struct}) is kept in {holder}; nothing closes its {field}',
        zh: '{name}（在 {struct} 中）保存在 {holder} 中；没有任何代码关闭它的 {field}',
      },
      deleted: {
        en: 'this delete drops a connection without closing it',
        zh: '这里的 delete 丢弃了一个连接，却没有关闭它',
      },
    },
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
        ctx.report(a.call, { id: 'discarded', args: { what, callee: calleeName(a) } });
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
      reportLeak(ctx, a, res, { what, name, callee: calleeName(a) }, closeFixes(ctx, a, res, `${name}${closer?.fix ?? '.Close()'}`));
    }
    // Connections kept in a map, slice or field that nothing in the package ever closes.
    for (const s of registryStores(ctx.file)) {
      const u = unclosedStore(ctx.file, s);
      if (u) reportStore(ctx, u);
    }
  },
};

/** A connection kept where nothing closes it: each stays open (in CLOSE_WAIT once its peer hangs up) until the process exits. */
function reportStore(ctx: RuleContext, s: RegistryStore): void {
  const name = s.conn?.text ?? '_';
  const holder = s.holder.kind === 'field' ? `${s.holder.struct}.${s.holder.field}` : s.holder.name;
  // A delete in this file that drops one without closing it; the fix is closing it where it is removed.
  const related = s.deleted && s.deleted.file === ctx.file ? [{ at: s.deleted.node, id: 'deleted' }] : [];
  if (s.shape === 'field') ctx.report(s.at, { id: 'kept-field', args: { name, holder } }, [], { related });
  else if (s.element)
    ctx.report(s.at, { id: 'kept-element', args: { name, holder, struct: s.element.struct, field: s.element.fields[0] } }, [], { related });
  else ctx.report(s.at, { id: 'kept', args: { name, holder } }, [], { related });
}

/** "connection", "listener", or the third-party type's own noun ("websocket connection", "SSH session"). */
function noun(k: Kind): string {
  return closerOf(k)?.noun ?? (isListener(k) ? 'listener' : 'connection');
}

function halfClosesIn(text: string | undefined): boolean {
  return !!text && /\.Close(Write|Read)\(\)/.test(text);
}

export default rule;
