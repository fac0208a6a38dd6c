// What the pages of lists share: tables of API rows, every page of a list endpoint, times.
import { el, formatTime } from '../dom.js';

// A table with a caption (its accessible name), header cells and rows of cells (text or nodes),
// scrolled sideways on its own where the screen is narrower (a phone), not the whole page.
export function table(caption, headers, rows, attributes = {}) {
  return el('div', { class: 'table-scroll' }, el('table', attributes,
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { scope: 'col', text: header })))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell)))))));
}

// Every page of a list endpoint ({count, next, previous, results}) as one array.
export async function allPages(api, path) {
  const results = [];
  for (let page = 1; ; page += 1) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await api(`${path}${separator}page_size=500&page=${page}`);
    results.push(...answer.results);
    if (!answer.next) return results;
  }
}

// A node swapped for its fresh copy (a list read again), which is returned.
export function replaced(node, fresh) {
  node.replaceWith(fresh);
  return fresh;
}

// "1 key", "2 keys".
export function counted(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// An ISO 8601 time of the API as the console shows every time (UTC).
export function timeOf(iso) {
  return iso ? formatTime(Date.parse(iso) / 1000) : '—';
}
