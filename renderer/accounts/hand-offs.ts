import type { HandOffView } from '../../main/common/ipc-contract.js';
import { api } from '../shared/api.js';
import { byId, h } from '../shared/dom.js';

const section = byId<HTMLElement>('hand-offs');
const list = byId<HTMLUListElement>('hand-off-list');

/**
 * The latest tokens handed to other programs (the GCE endpoint's audit log): when, for which
 * account, to what. The list is hidden while there are none; a failed read leaves it as it was.
 */
export async function showHandOffs(): Promise<void> {
  const result = await api.latestHandOffs();
  if (!result.ok) return;
  list.replaceChildren(...result.value.map(item));
  section.hidden = result.value.length === 0;
}

function item(entry: HandOffView): HTMLLIElement {
  const at = new Date(entry.at);
  const when = Number.isNaN(at.getTime()) ? entry.at : at.toLocaleString();
  const client = entry.userAgent === '' ? 'a client that gave no name' : entry.userAgent;
  return h(
    'li',
    {},
    `${entry.account} → ${client}`,
    h('span', { class: 'meta' }, h('time', { datetime: entry.at }, when), ` · ${entry.path}`),
  );
}
