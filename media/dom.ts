// A tiny element builder. Never sets `style` attributes (the CSP forbids inline styles); dynamic geometry goes
// through the CSSOM (el.style.x = …), which the CSP allows.
type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | null;
export type Attrs = Record<string, AttrValue | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'style') throw new Error('inline styles are not allowed by the CSP');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A codicon (font glyph from dist/codicon.css), hidden from screen readers. */
export function icon(name: string, cls = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name}${cls ? ` ${cls}` : ''}`, 'aria-hidden': 'true' });
}

/** Sets textContent only when it changed (cheap for pooled table rows). */
export function setText(el: Element, s: string): void {
  if (el.textContent !== s) el.textContent = s;
}

/** Sets an attribute only when it changed: a write, even of the same value, invalidates the element's style. */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

export function toggleClass(el: Element, cls: string, on: boolean): void {
  if (el.classList.contains(cls) !== on) el.classList.toggle(cls, on);
}
