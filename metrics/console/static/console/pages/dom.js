// The few DOM builders the pages share: no framework, no innerHTML (the API's text is
// always set as text, so a collector named "<script>" stays a name).

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// A table with a caption (its accessible name), header cells and rows of cells.
export function table(caption, headers, rows, attributes = {}) {
  return el('table', attributes,
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) => el('td', {}, cell))))));
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

export function isAdmin(session) {
  return session?.organization?.role === 'admin';
}

// Every page of a list endpoint ({count, next, previous, results}), as one array.
export async function allPages(api, path) {
  const results = [];
  let page = 1;
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await api(`${path}${separator}page_size=500&page=${page}`);
    results.push(...answer.results);
    if (!answer.next) return results;
    page += 1;
  }
}
