type Attrs = Record<string, string | number | boolean | undefined>;

/** Builds an element: attributes (true for a bare one, false/undefined to leave out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`#${id} is missing from the page`);
  return node as T;
}

let nextId = 0;
/** A document-unique id, for label/aria-describedby pairs built at run time. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * A button that stays focusable while its action runs: a disabled button drops keyboard focus to
 * the page, so it is marked busy instead, and clicks meanwhile are ignored.
 */
export function actionButton(
  text: string,
  run: () => Promise<void>,
  attrs: Attrs = {},
): HTMLButtonElement {
  const button = h('button', { type: 'button', ...attrs }, text);
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    void run().finally(() => button.removeAttribute('aria-disabled'));
  });
  return button;
}
