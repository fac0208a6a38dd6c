// The organization's collectors (GET /api/collectors/): name, host, status, last sample,
// tags; the search is the API's own (?search= on name, hostname, identifier).
import { el, formatTime } from './dom.js';

export const STATUS_WORDS = { active: 'live', stale: 'idle', never: 'never seen' };
const PAGE_SIZE = 500;
const SEARCH_DELAY_MS = 250;

function row(collector) {
  return el('tr', {},
    el('td', {}, el('a', { class: 'collector-link', 'data-id': collector.id, href: `#/collectors/${collector.id}`,
                           text: collector.name })),
    el('td', { text: collector.hostname || '' }),
    el('td', {}, el('span', { class: `status status-${collector.status}`, text: STATUS_WORDS[collector.status] })),
    el('td', { text: collector.last_seen ? formatTime(Date.parse(collector.last_seen) / 1000) : '' }),
    el('td', {}, ...collector.tags.map((tag) => el('span', { class: 'tag', text: tag }))));
}

export async function render(root, ctx) {
  const search = el('input', { id: 'collector-search', type: 'search', value: ctx.query.search || '',
                               placeholder: 'name, host or identifier', 'aria-label': 'Search collectors' });
  const count = el('p', { class: 'count', role: 'status' });
  const body = el('tbody');
  root.append(
    el('h1', { text: 'Collectors' }),
    el('label', { class: 'search', for: 'collector-search', text: 'Search ' }, search),
    count,
    el('div', { class: 'table-scroll' },
      el('table', { class: 'collectors' },
        el('thead', {}, el('tr', {}, ...['Name', 'Host', 'Status', 'Last sample', 'Tags']
          .map((text) => el('th', { scope: 'col', text })))),
        body)));

  let asked = 0;
  async function load() {
    const mine = ++asked;
    const query = { page_size: PAGE_SIZE, ordering: 'name' };
    if (search.value.trim()) query.search = search.value.trim();
    const page = await ctx.api('/api/collectors/', { query });
    if (mine !== asked || ctx.signal.aborted) return; // a newer search answered first, or the page was left
    body.replaceChildren(...page.results.map(row));
    count.textContent = page.count > page.results.length
      ? `${page.results.length} of ${page.count} collectors (refine the search)`
      : `${page.count} collector${page.count === 1 ? '' : 's'}`;
  }

  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch(ctx.showError), SEARCH_DELAY_MS);
  });
  await load();
}
