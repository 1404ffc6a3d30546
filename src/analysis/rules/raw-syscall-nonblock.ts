// syscall.SetNonblock on a socket Go's runtime poller owns. The netpoller keeps every network
// socket in non-blocking mode and relies on it: in blocking mode Read/Write park an OS thread in
// the kernel, deadlines no longer fire and Close waits for the blocked call. Setting it back to
// non-blocking by hand (after File().Fd() flipped it) is a workaround for using the wrong API.
import type { Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, ofType, unparen } from '../facts/syntax';
import { controlCallback, fileCallOfFd, originalOf, rawConnOrigin, resolveFd, sysCall } from './_rawsock';

const rule: Rule = {
  meta: {
    id: 'raw-syscall-nonblock',
    title: 'SetNonblock on a socket owned by the Go runtime',
    severity: 'warning',
    category: 'raw-socket',
    description:
      'Go keeps every network socket in non-blocking mode for its poller. `syscall.SetNonblock(fd, false)` on such a socket makes reads and writes block an OS thread, stops deadlines from firing and can hang `Close`; flipping it back after `File().Fd()` only repairs the wrong API. Use `SyscallConn()` with `RawConn.Control`/`Read`/`Write` and leave the mode alone.',
    zh: {
      title: '对 Go 运行时管理的套接字调用 SetNonblock',
      description:
        'Go 的网络轮询器要求所有网络套接字保持非阻塞模式。对这类套接字调用 `syscall.SetNonblock(fd, false)` 会让读写阻塞一个系统线程、截止时间失效，`Close` 也可能挂起；在 `File().Fd()` 之后再手动改回非阻塞只是在弥补用错的 API。应使用 `SyscallConn()` 配合 `RawConn.Control`/`Read`/`Write`，不要改动阻塞模式。',
    },
    docs: 'raw-syscall-nonblock',
    messages: {
      'file-true': {
        en: '{fn}(…, true) on a descriptor from {x}.File().Fd() undoes by hand what Fd() did',
        zh: '对来自 {x}.File().Fd() 的描述符调用 {fn}(…, true)，是在手动撤销 Fd() 的副作用',
      },
      file: {
        en: "{fn} on a descriptor from {x}.File().Fd() changes {x}'s socket mode too",
        zh: '对来自 {x}.File().Fd() 的描述符调用 {fn} 也会改变 {x} 的套接字模式',
      },
      'control-true': {
        en: '{fn}({fd}, true) inside {where} does nothing: the Go poller owns this flag',
        zh: '{where} 中的 {fn}({fd}, true) 没有作用：该标志由 Go 的轮询器管理',
      },
      control: {
        en: '{fn}({fd}, {mode}) in {where} changes a socket the Go runtime poller owns',
        zh: '{where} 中的 {fn}({fd}, {mode}) 修改了由 Go 运行时轮询器管理的套接字',
      },
    },
  },
  check(ctx) {
    if (ctx.text.indexOf('SetNonblock') === -1) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const sc = sysCall(ctx.file, call);
      if (!sc || sc.name !== 'SetNonblock') continue;
      const args = callArgs(call);
      if (args.length !== 2) continue;
      checkSetNonblock(ctx, call, args[0], args[1], sc.pkg === 'syscall' ? 'syscall' : 'unix');
    }
  },
};

function checkSetNonblock(ctx: RuleContext, call: SyntaxNode, fdArg: SyntaxNode, modeArg: SyntaxNode, pkg: string): void {
  const mode = unparen(modeArg)?.text;
  const fn = `${pkg}.SetNonblock`;
  const origin = fdOrigin(ctx, fdArg);
  if (!origin) return;
  if (origin.kind === 'file') {
    const x = origin.conn;
    ctx.report(call, { id: mode === 'true' ? 'file-true' : 'file', args: { fn, x } });
    return;
  }
  const where = origin.method === 'Control' ? 'RawConn.Control' : `RawConn.${origin.method}`;
  const args = { fn, fd: fdArg.text, where, mode: mode ?? '…' };
  ctx.report(call, { id: mode === 'true' ? 'control-true' : 'control', args });
}

type Origin = { kind: 'file'; conn: string } | { kind: 'control'; method: string };

/** Where the descriptor comes from, when it is surely a socket the runtime owns. */
function fdOrigin(ctx: RuleContext, fdArg: SyntaxNode): Origin | null {
  // Through `fd := int(f.Fd())` / `s := int(fd)` to where the descriptor comes from.
  const fd = resolveFd(ctx, fdArg);
  if (!fd) return null;
  if (fd.type === 'identifier') {
    const b = ctx.file.binding(fd);
    if (!b || !b.isParam) return null;
    // The fd parameter of a RawConn callback on a socket.
    const cb = controlCallback(fd);
    if (!cb || cb.fdParam !== fd.text || b.scope.id !== cb.literal.id) return null;
    return rawConnOrigin(ctx, cb.rawConn) ? { kind: 'control', method: cb.method } : null;
  }
  if (fd.type === 'call_expression') {
    const src = fileCallOfFd(ctx, fd);
    if (src) return { kind: 'file', conn: originalOf(src.recv).text };
  }
  return null;
}

export default rule;
