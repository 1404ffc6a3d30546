// An *http.Response whose Body is not closed on some path: the transport cannot reuse the
// connection (it stays busy until the GC finds the body), so each request opens a new one.
import type { Rule } from '../model';
import { acquisitions, analyzeAcquisition } from '../facts/lifecycle';
import { isResponse } from '../facts/kinds';
import { calleeName, closeFixes, leakMessages, reportLeak, valueName } from './_close';

const rule: Rule = {
  meta: {
    id: 'body-not-closed',
    title: 'Response body not closed on every path',
    severity: 'warning',
    category: 'close',
    description:
      "The Body of this *http.Response is not closed on some path (and the response is not returned or handed off). Until Body is closed the connection cannot go back to the Transport's idle pool: each request dials a new connection and the old ones linger (TIME_WAIT churn, fd growth). Close it with `defer resp.Body.Close()` right after the error check; the Body is non-nil whenever err is nil, also for non-2xx status codes.",
    zh: {
      title: '响应体未在所有路径上关闭',
      description:
        '此 *http.Response 的 Body 在某条路径上没有关闭（响应也没有被返回或交出）。Body 关闭之前，连接无法回到 Transport 的空闲连接池：每个请求都会新建连接，旧连接滞留（TIME_WAIT 激增、文件描述符增长）。应在错误检查之后立即 `defer resp.Body.Close()`；只要 err 为 nil，Body 就不为 nil，非 2xx 状态码也一样。',
    },
    docs: 'body-not-closed',
    messages: {
      discarded: {
        en: 'the response of {callee} is discarded: its Body is never closed',
        zh: '{callee} 返回的响应被丢弃：其 Body 从未关闭',
      },
      ...leakMessages({ en: '{name}.Body from {callee}', zh: '来自 {callee} 的 {name}.Body ' }),
    },
  },
  check(ctx) {
    for (const a of acquisitions(ctx.file, 'response', isResponse)) {
      if (!a.ident) {
        // Until Body is closed the connection cannot be reused.
        ctx.report(a.call, { id: 'discarded', args: { callee: calleeName(a) } });
        continue;
      }
      const res = analyzeAcquisition(ctx.file, a, 'response');
      if (!res || !res.exits.length) continue;
      const name = valueName(a);
      reportLeak(ctx, a, res, { name, callee: calleeName(a) }, closeFixes(ctx, a, res, `${name}.Body.Close()`));
    }
  },
};

export default rule;
