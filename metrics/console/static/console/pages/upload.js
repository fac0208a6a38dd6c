// Upload a past capture (POST /api/performance/upload/, 202 queued), then follow its job at
// the upload's url until it is done or failed. Two bars: the bytes sent (the request, an XHR,
// since fetch reports no upload progress), then the share of the stored file the worker has
// read (bytes_read of size_bytes); the result says what it stored and skipped, and why.
import { ApiError, apiErrorOf, authHeaders } from '../api.js';
import { el } from '../dom.js';
import { allPages, counted, replaced, table, timeOf } from './lists.js';

const UPLOAD_PATH = '/api/performance/upload/';
const POLL_MS = 500;
const RECENT = 20;
const FINAL = new Set(['done', 'failed']);

export async function render(root, ctx) {
  const collectors = await allPages(ctx.api, '/api/collectors/?ordering=name');
  const select = el('select', { id: 'upload-collector', name: 'collector' },
    el('option', { value: '', text: 'Named in the file (a pcc capture with its identifier)' }),
    ...collectors.map((c) => el('option', { value: String(c.id), selected: String(c.id) === ctx.query.collector,
                                            text: c.name })));
  const file = el('input', { id: 'upload-file', type: 'file', name: 'file', required: true });
  const submit = el('button', { id: 'upload-submit', type: 'submit', text: 'Upload' });
  const shown = {
    sent: el('progress', { id: 'upload-sent', max: '100', value: '0' }),
    progress: el('progress', { id: 'upload-progress', max: '100', value: '0' }),
    state: el('p', { id: 'upload-state', role: 'status' }),
    result: el('div', { id: 'upload-result', 'aria-live': 'polite' }),
  };
  const form = el('form', { id: 'upload-form' },
    el('p', {}, el('label', { for: 'upload-collector', text: 'Collector ' }), select),
    el('p', {}, el('label', { for: 'upload-file', text: 'Capture file ' }), file),
    el('p', { class: 'hint', text: 'A pcc capture (collection.ndjson), PerfCollector1 lines, a portal CSV '
      + 'or a pcprocess zip; gzip too.' }),
    el('p', {}, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const body = new FormData();
    body.append('file', file.files[0]);
    if (select.value) body.append('collector', select.value);
    submit.disabled = true;
    ctx.showError(null); // an earlier refusal is not this upload's
    shown.sent.value = 0;
    shown.progress.value = 0;
    shown.result.replaceChildren();
    shown.state.textContent = `Sending ${file.files[0].name}…`;
    try {
      const upload = await send(body, (fraction) => { shown.sent.value = Math.floor(fraction * 100); });
      await follow(upload, ctx, shown);
      if (!ctx.signal.aborted) recent = replaced(recent, await recentUploads(ctx, names));
    } catch (error) {
      if (shown.sent.value < 100) shown.state.textContent = 'The upload was refused.';
      ctx.showError(error);
    } finally {
      submit.disabled = false;
    }
  });
  const names = new Map(collectors.map((c) => [c.id, c.name]));
  let recent = await recentUploads(ctx, names);
  root.replaceChildren(el('h1', { text: 'Upload a capture' }), form,
    el('section', { 'aria-label': 'Progress' },
      el('p', {}, el('label', { for: 'upload-sent', text: 'Sent ' }), shown.sent),
      el('p', {}, el('label', { for: 'upload-progress', text: 'Read by the server ' }), shown.progress),
      shown.state, shown.result),
    el('h2', { text: 'Recent uploads' }), recent);
}

// The organization's newest uploads (GET /api/performance/uploads/), each opening its ticks.
async function recentUploads(ctx, names) {
  const page = await ctx.api('/api/performance/uploads/', { query: { page_size: RECENT } });
  const caption = counted(page.count, 'upload') + (page.count > RECENT ? `, the ${RECENT} newest shown` : '');
  return table(caption,
    ['File', 'Collector', 'Format', 'State', 'Ticks', 'By', 'Uploaded', 'Charts'], page.results.map((upload) => [
      upload.file_name, names.get(upload.collector) ?? '—', upload.format,
      upload.state === 'failed' ? `failed: ${upload.failure}` : upload.state, String(upload.result?.ticks ?? 0),
      upload.uploaded_by ?? 'an agent key', timeOf(upload.created_at), chartsOf(upload) ?? '',
    ]), { id: 'upload-recent' });
}

// The upload request, its bytes sent reported to onSent (0..1); the 202's upload, or the
// refusal as api() words it.
async function send(form, onSent) {
  const headers = await authHeaders();
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', UPLOAD_PATH);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onSent(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status === 202) {
        onSent(1);
        resolve(body);
      } else {
        reject(apiErrorOf(request.status, body));
      }
    });
    request.addEventListener('error', () => reject(new ApiError(0, 'Connection lost: try again.')));
    request.send(form);
  });
}

async function follow(upload, ctx, shown) {
  let current = upload;
  for (;;) {
    shown.progress.value = percentRead(current);
    shown.state.textContent = describe(current);
    if (FINAL.has(current.state)) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (ctx.signal.aborted) return; // the page was left: its job goes on without it
    current = await ctx.api(upload.url);
  }
  shown.result.replaceChildren(...outcome(current));
}

function percentRead(upload) {
  if (upload.state === 'done') return 100;
  return upload.size_bytes ? Math.floor((upload.bytes_read / upload.size_bytes) * 100) : 0;
}

function describe(upload) {
  const file = `${upload.file_name} (${upload.format}${upload.compressed ? ', gzip' : ''}): ${upload.state}`;
  if (!upload.result?.ticks) return file;
  return `${file}, ${upload.result.ticks} ticks stored${FINAL.has(upload.state) ? '' : ' so far'}`;
}

// What the job stored and what it skipped, and why (the upload's result and failure).
function outcome(upload) {
  const r = upload.result ?? {};
  const listed = (counts, wording) => Object.entries(counts ?? {}).map(wording).join(', ') || 'none';
  const nodes = [];
  if (upload.state === 'failed') nodes.push(el('p', { class: 'failure', text: `Failed: ${upload.failure}` }));
  nodes.push(el('dl', {}, ...[
    ['Ticks stored', r.ticks ?? 0],
    ['Rows', r.rows ?? 0],
    ['Rows by family', listed(r.rows_by_family, ([family, n]) => `${family} ${n}`)],
    ['First tick', timeOf(r.first)],
    ['Last tick', timeOf(r.last)],
    ['Ticks already stored (skipped)', r.duplicate_ticks ?? 0],
    ['Subsystems ignored', listed(r.ignored_subsystems, ([name, n]) => `${name} (${n})`)],
    ['Lines not read', r.errors_total ?? 0],
  ].flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: String(value) })])));
  if (r.errors?.length) {
    nodes.push(el('ul', { class: 'upload-errors', 'aria-label': 'Lines not read' },
      ...r.errors.map((e) => el('li', { text: `${e.file ? `${e.file} ` : ''}line ${e.line}: ${e.error}` }))));
  }
  const charts = chartsOf(upload, { id: 'upload-charts', text: 'See these ticks in the charts' });
  if (charts) nodes.push(el('p', {}, charts));
  return nodes;
}

// A link to the collector's charts over the upload's first to last tick; none before a tick.
function chartsOf(upload, attributes = { text: 'Open' }) {
  const { first, last } = upload.result ?? {};
  if (!first || !last || !upload.collector) return null;
  const range = new URLSearchParams({ from: first, to: last });
  return el('a', { href: `#/collectors/${upload.collector}?${range}`, ...attributes });
}
