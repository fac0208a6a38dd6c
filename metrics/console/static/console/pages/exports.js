// The shown range exported as CSV, JSON or the sar tree for R (GET /api/performance/export/).
// The export needs the Bearer token, which a plain link cannot carry: each link fetches the
// file through api() and hands the browser the blob to save under the server's file name.
import { api, session } from '../api.js';
import { el } from './dom.js';

const FORMATS = [['csv', 'CSV'], ['json', 'JSON'], ['sar', 'sar tree (zip, for R)']];
const EXPORTERS = new Set(['admin', 'analyst']);

export function exportLinks(collectorId, fromIso, toIso) {
  if (!EXPORTERS.has(session()?.organization?.role)) {
    return el('p', { class: 'exports', id: 'exports' }, 'Exports need the analyst or admin role.');
  }
  const status = el('span', { class: 'export-status', role: 'status' });
  const links = FORMATS.map(([format, label]) => el('a', {
    href: exportPath(collectorId, fromIso, toIso, format), class: 'export-link', 'data-format': format,
    onclick: (event) => { event.preventDefault(); download(event.currentTarget, status); },
  }, label));
  return el('p', { class: 'exports', id: 'exports' }, 'Export this range: ', ...links.flatMap((a) => [a, ' ']), status);
}

function exportPath(collectorId, fromIso, toIso, format) {
  const query = new URLSearchParams({ collector: collectorId, format });
  if (fromIso) query.set('start', fromIso);
  if (toIso) query.set('end', toIso);
  return `/api/performance/export/?${query}`;
}

async function download(link, status) {
  status.textContent = `Preparing ${link.dataset.format.toUpperCase()}…`;
  try {
    const answer = await api(link.getAttribute('href'), { raw: true });
    const blob = await answer.blob();
    const saver = el('a', { href: URL.createObjectURL(blob), download: fileName(answer) });
    document.body.append(saver);
    saver.click();
    saver.remove();
    setTimeout(() => URL.revokeObjectURL(saver.href), 60_000);
    status.textContent = `${fileName(answer)} saved.`;
  } catch (error) {
    status.textContent = `Export failed: ${error.message}`;
  }
}

function fileName(answer) {
  const disposition = answer.headers.get('Content-Disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'xat-export';
}
