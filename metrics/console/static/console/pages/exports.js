// The shown range exported as CSV, JSON or the sar tree for R (GET /api/performance/export/).
// The export needs the Bearer token, which a plain link cannot carry: each link fetches the
// file through api() and hands the browser the blob to save under the server's file name.
import { api, session } from '../api.js';
import { el } from '../dom.js';

const FORMATS = [['csv', 'CSV'], ['json', 'JSON'], ['sar', 'sar tree (zip, for R)']];
const EXPORTERS = new Set(['admin', 'analyst']);

export function exportLinks(collectorId, fromIso, toIso) {
  if (!EXPORTERS.has(session().organization?.role)) {
    return el('p', { class: 'exports', text: 'Exports need the analyst or admin role.' });
  }
  const status = el('span', { class: 'export-status', role: 'status' });
  const links = FORMATS.map(([format, label]) => el('a', {
    href: exportPath(collectorId, fromIso, toIso, format), class: 'export-link', 'data-format': format, text: label,
    onclick: (event) => { event.preventDefault(); download(event.currentTarget, status); },
  }));
  return el('p', { class: 'exports' }, 'Export this range: ', ...links.flatMap((link) => [link, ' ']), status);
}

// The charts' range includes its end, the export's excludes it: one second more keeps the
// last tick shown (ticks are whole seconds).
function exportPath(collectorId, fromIso, toIso, format) {
  const query = new URLSearchParams({ collector: collectorId, format });
  if (fromIso) query.set('start', fromIso);
  if (toIso) query.set('end', new Date(Date.parse(toIso) + 1000).toISOString());
  return `/api/performance/export/?${query}`;
}

async function download(link, status) {
  status.textContent = `Preparing ${link.dataset.format.toUpperCase()}…`;
  try {
    const answer = await api(link.getAttribute('href'), { raw: true });
    const name = fileName(answer);
    const saver = el('a', { href: URL.createObjectURL(await answer.blob()), download: name });
    document.body.append(saver);
    saver.click();
    saver.remove();
    setTimeout(() => URL.revokeObjectURL(saver.href), 60_000);
    status.textContent = `${name} saved.`;
  } catch (error) {
    status.textContent = `Export failed: ${error.message}`;
  }
}

function fileName(answer) {
  return /filename="([^"]+)"/.exec(answer.headers.get('Content-Disposition') ?? '')?.[1] ?? 'xat-export';
}
