// Upload a past capture (POST /api/performance/upload/, 202 queued), then follow its job at
// the upload's url until it is done or failed: the bar is the share of the stored file the
// worker has read (bytes_read of size_bytes), the result what it stored and skipped.
import { allPages, el, when } from './dom.js';

const POLL_MS = 500;
const FINAL = new Set(['done', 'failed']);

export async function render(root, ctx) {
  const collectors = await allPages(ctx.api, '/api/collectors/?ordering=name');
  const chosen = ctx.query.collector ?? '';
  const select = el('select', { id: 'upload-collector', name: 'collector' },
    el('option', { value: '' }, 'Named in the file (pcc captures with an identifier)'),
    collectors.map((c) => el('option', { value: String(c.id), selected: String(c.id) === chosen }, c.name)));
  const file = el('input', { id: 'upload-file', type: 'file', name: 'file', required: true });
  const progress = el('progress', { id: 'upload-progress', max: 100, value: 0 });
  const state = el('p', { id: 'upload-state', role: 'status' });
  const result = el('div', { id: 'upload-result', 'aria-live': 'polite' });
  const submit = el('button', { id: 'upload-submit', type: 'submit' }, 'Upload');
  const form = el('form', { id: 'upload-form' },
    el('p', {}, el('label', { for: 'upload-collector' }, 'Collector '), select),
    el('p', {}, el('label', { for: 'upload-file' }, 'Capture file '), file),
    el('p', { class: 'hint' }, 'pcc captures (collection.ndjson), PerfCollector1 lines, portal CSV or a pcprocess zip; gzip allowed.'),
    el('p', {}, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const body = new FormData();
    body.append('file', file.files[0]);
    if (select.value) body.append('collector', select.value);
    submit.disabled = true;
    progress.value = 0;
    result.replaceChildren();
    state.textContent = `Sending ${file.files[0].name}…`;
    try {
      const upload = await ctx.api('/api/performance/upload/', { method: 'POST', form: body });
      await follow(upload, { root, ctx, progress, state, result });
    } catch (error) {
      state.textContent = 'The upload was refused.';
      ctx.showError(error);
    } finally {
      submit.disabled = false;
    }
  });
  root.replaceChildren(el('h1', {}, 'Upload a capture'), form,
    el('section', { 'aria-label': 'Progress' }, el('label', { for: 'upload-progress' }, 'Read '), progress, state, result));
}

async function follow(upload, { root, ctx, progress, state, result }) {
  let shown = upload;
  for (;;) {
    progress.value = percentRead(shown);
    state.textContent = describe(shown);
    if (FINAL.has(shown.state) || !root.isConnected) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    shown = await ctx.api(upload.url);
  }
  if (FINAL.has(shown.state)) result.replaceChildren(...outcome(shown));
}

function percentRead(upload) {
  if (upload.state === 'done') return 100;
  return upload.size_bytes ? Math.floor((upload.bytes_read / upload.size_bytes) * 100) : 0;
}

function describe(upload) {
  const counted = upload.result?.ticks ? `, ${upload.result.ticks} ticks stored so far` : '';
  return `${upload.file_name} (${upload.format}${upload.compressed ? ', gzip' : ''}): ${upload.state}${counted}`;
}

// What the job stored and what it skipped, and why (the upload's result and failure).
function outcome(upload) {
  const r = upload.result ?? {};
  const nodes = [];
  if (upload.state === 'failed') nodes.push(el('p', { class: 'failure' }, `Failed: ${upload.failure}`));
  nodes.push(el('dl', {},
    row('Ticks stored', r.ticks ?? 0),
    row('Rows', r.rows ?? 0),
    row('Rows by family', Object.entries(r.rows_by_family ?? {}).map(([family, n]) => `${family} ${n}`).join(', ') || '—'),
    row('First tick', when(r.first)),
    row('Last tick', when(r.last)),
    row('Ticks already stored (skipped)', r.duplicate_ticks ?? 0),
    row('Subsystems ignored', Object.entries(r.ignored_subsystems ?? {}).map(([name, n]) => `${name} (${n})`).join(', ') || 'none'),
    row('Lines not read', r.errors_total ?? 0)));
  if (r.errors?.length) {
    nodes.push(el('ul', { class: 'upload-errors', 'aria-label': 'Lines not read' },
      r.errors.map((e) => el('li', {}, `${e.file ? `${e.file} ` : ''}line ${e.line}: ${e.error}`))));
  }
  if (r.first && r.last && upload.collector) {
    const query = new URLSearchParams({ from: r.first, to: r.last });
    nodes.push(el('p', {}, el('a', { id: 'upload-charts', href: `#/collectors/${upload.collector}?${query}` },
      'See these ticks in the charts')));
  }
  return nodes;
}

function row(term, value) {
  return [el('dt', {}, term), el('dd', {}, String(value))];
}
