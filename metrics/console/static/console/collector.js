// One collector: its five charts over a range (1 h, 24 h, 7 d, 30 d before its latest sample,
// or a chosen one), at the resolution the API picks; host totals or one line per core,
// device, interface or file system; a live mode that appends the new ticks every 5 s; a drag
// across a chart opens that range, read again at the finer resolution the API then picks.
import { drawChart } from './charts.js';
import { STATUS_WORDS } from './collectors.js';
import { el, formatTime } from './dom.js';

const RANGES = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };
const DEFAULT_RANGE = '1h';
const LIVE_SECONDS = 5;
const LIVE_FAMILIES = new Set(['cpu', 'memory', 'disk', 'network']);
// Per chart: the host lines, and what its items are called (none: host lines only; a chart
// without host lines shows its items at once). The items' metric is chosen among theirs.
const CHARTS = [
  { family: 'cpu', title: 'CPU', host: ['user', 'system', 'iowait', 'steal'], items: 'per core', itemMetric: 'busy' },
  { family: 'memory', title: 'Memory', host: ['mem_used_kb', 'cached_kb', 'buffers_kb', 'mem_available_kb'] },
  { family: 'disk', title: 'Disk', host: ['read_sectors_ps', 'written_sectors_ps', 'util_pct'], items: 'per device',
    itemMetric: 'util_pct' },
  { family: 'network', title: 'Network', host: ['rx_kb_ps', 'tx_kb_ps'], items: 'per interface', itemMetric: 'rx_kb_ps' },
  { family: 'filesystem', title: 'File systems', host: [], items: 'per file system', itemMetric: 'use_pct' },
];

const isoOf = (unixSeconds) => new Date(unixSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const inputOf = (iso) => (iso ? iso.replace(/Z$/, '').slice(0, 19) : '');

function rangeQuery(query) {
  if (query.from && query.to) return { start: query.from, end: query.to };
  return { hours: RANGES[query.range] || RANGES[DEFAULT_RANGE] };
}

function hostLines(spec, answer) {
  return spec.host.filter((key) => key in answer.series)
    .map((key) => ({ key, label: key, unit: answer.units[key], values: answer.series[key] }));
}

function itemLines(answer, metric) {
  return answer.items.filter((item) => metric in item.series)
    .map((item) => ({ key: item.name, label: item.name, unit: answer.units[metric], values: item.series[metric] }));
}

function header(collector) {
  const facts = [
    ['Host', collector.hostname], ['Status', STATUS_WORDS[collector.status]],
    ['Last sample', collector.last_seen ? formatTime(Date.parse(collector.last_seen) / 1000) : 'none'],
    ['vCPUs', collector.vcpus], ['Tags', collector.tags.join(', ')],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
  return el('section', { class: 'collector-head' },
    el('h1', { text: collector.name }),
    el('dl', {}, ...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: String(value) })])),
    el('a', { href: `#/collectors/${collector.id}/sessions`, text: 'Sessions' }));
}

function rangeControls(ctx, id, chosen) {
  const from = el('input', { id: 'range-from', type: 'datetime-local', step: 1, value: inputOf(chosen.start) });
  const to = el('input', { id: 'range-to', type: 'datetime-local', step: 1, value: inputOf(chosen.end) });
  const current = ctx.query.from ? null : (ctx.query.range || DEFAULT_RANGE);
  return el('div', { class: 'range', role: 'group', 'aria-label': 'Range' },
    ...Object.keys(RANGES).map((name) => el('button', {
      type: 'button', 'data-range': name, 'aria-pressed': String(name === current), text: name,
      onclick: () => ctx.navigate(`#/collectors/${id}?range=${name}`),
    })),
    el('form', { class: 'custom-range', onsubmit: (event) => {
      event.preventDefault();
      if (!from.value || !to.value) return ctx.showError(new Error('Give both ends of the range.'));
      // A whole minute comes without its seconds (2026-01-10T20:35): the API wants them.
      const iso = (value) => `${value.length === 16 ? `${value}:00` : value}Z`;
      ctx.navigate(`#/collectors/${id}?from=${iso(from.value)}&to=${iso(to.value)}`);
    } },
    el('label', { for: 'range-from', text: 'From (UTC)' }), from,
    el('label', { for: 'range-to', text: 'To (UTC)' }), to,
    el('button', { type: 'submit', text: 'Show' })));
}

export async function render(root, ctx) {
  const id = ctx.params.id;
  let collector;
  try {
    collector = await ctx.api(`/api/collectors/${id}/`);
  } catch (err) {
    if (err.status !== 404) throw err;
    root.append(el('p', { id: 'not-found', class: 'not-found', text: 'Collector not found.' }),
                el('a', { href: '#/collectors', text: 'All collectors' }));
    return;
  }
  const query = rangeQuery(ctx.query);
  const base = `/api/dashboard/collectors/${id}`;
  const rangeText = el('span', { id: 'range-shown' });
  const resolution = el('span', { id: 'resolution' });
  const exports = el('span', { class: 'exports' });
  const live = ctx.query.live === '1';
  const liveToggle = el('button', {
    id: 'live-toggle', type: 'button', 'aria-pressed': String(live), text: live ? 'Live: on' : 'Live',
    onclick: () => ctx.navigate(`#/collectors/${id}?range=1h${live ? '' : '&live=1'}`),
  });
  const charts = el('div', { class: 'charts' });
  const controls = el('div', { class: 'controls' });
  root.append(header(collector), controls,
    el('p', { class: 'shown' }, 'Range ', rangeText, ', resolution ', resolution, ' ', exports),
    charts);

  const panels = CHARTS.map((spec) => chartPanel(spec, ctx, id, base, query));
  charts.append(...panels.map((panel) => panel.figure));
  const answers = await Promise.all(panels.map((panel) => panel.load()));
  if (ctx.signal.aborted) return panels.forEach((panel) => panel.destroy()); // left while the charts loaded
  const cpu = answers[0];
  if (!cpu.start) {
    controls.append(rangeControls(ctx, id, {}), liveToggle);
    rangeText.textContent = 'none: no sample yet';
    resolution.textContent = '–';
  } else {
    controls.append(rangeControls(ctx, id, cpu), liveToggle);
    rangeText.textContent = `${cpu.start} to ${cpu.end}`;
    resolution.textContent = cpu.resolution;
    const { exportLinks } = await import('./pages/exports.js');
    exports.append(exportLinks(id, cpu.start, cpu.end));
  }

  const onResize = () => panels.forEach((panel) => panel.resize());
  window.addEventListener('resize', onResize);
  ctx.signal.addEventListener('abort', () => {
    window.removeEventListener('resize', onResize);
    panels.forEach((panel) => panel.destroy());
  });

  if (live) follow(ctx, base, panels.filter((panel) => LIVE_FAMILIES.has(panel.family)));
}

// Every LIVE_SECONDS, the ticks after the newest one shown, appended to each host chart.
function follow(ctx, base, panels) {
  const span = panels[0].span();
  let since = panels[0].lastTimestamp();
  const poll = async () => {
    if (ctx.signal.aborted) return;
    // No tick yet (a collector whose agent just started): the page again, until one is there.
    if (since === null) return ctx.navigate(location.hash);
    try {
      const ticks = await ctx.api(`${base}/live/`, { query: { since } });
      if (ctx.signal.aborted) return;
      if (ticks.timestamps.length) {
        panels.forEach((panel) => panel.append(ticks.timestamps, ticks.series[panel.family] || {}, span));
        since = ticks.timestamps[ticks.timestamps.length - 1];
      }
    } catch (err) {
      if (err.status === 400) return ctx.navigate(location.hash); // too far behind: read the hour again
      ctx.showError(err);
    }
    setTimeout(poll, LIVE_SECONDS * 1000);
  };
  setTimeout(poll, LIVE_SECONDS * 1000);
}

function chartPanel(spec, ctx, id, base, query) {
  const container = el('div', { id: `chart-${spec.family}`, class: 'chart' });
  const caption = el('figcaption', {}, el('h2', { text: spec.title }));
  const figure = el('figure', { class: 'chart-panel' }, caption, container);
  const itemsOnly = spec.host.length === 0;
  let answer = null;
  let hostAnswer = null;
  let chart = null;
  let view = itemsOnly ? 'items' : 'host';
  let metric = spec.itemMetric;

  const viewSelect = spec.items && !itemsOnly ? el('select', {
    id: `view-${spec.family}`, 'aria-label': `${spec.title}: view`,
    onchange: async (event) => { view = event.target.value; await redraw(); },
  }, el('option', { value: 'host', text: 'host total' }), el('option', { value: 'items', text: spec.items })) : null;
  const metricSelect = spec.items ? el('select', {
    id: `metric-${spec.family}`, 'aria-label': `${spec.title}: metric ${spec.items}`, hidden: view !== 'items',
    onchange: async (event) => { metric = event.target.value; await redraw(); },
  }) : null;
  caption.append(...[viewSelect, metricSelect].filter(Boolean));

  async function fetchAnswer(perCore) {
    const params = { ...query };
    if (perCore) params.per_core = 1;
    return ctx.api(`${base}/${spec.family}/`, { query: params });
  }

  function fillMetrics() {
    const names = answer.items.length ? Object.keys(answer.items[0].series) : [];
    if (!names.includes(metric)) metric = names[0] || spec.itemMetric;
    metricSelect.hidden = !names.length; // no item in this range: nothing to choose
    metricSelect.replaceChildren(...names.map((name) => el('option', { value: name, selected: name === metric,
                                                                      text: `${name} (${answer.units[name]})` })));
  }

  async function redraw() {
    if (view === 'items' && spec.family === 'cpu' && answer === hostAnswer) answer = await fetchAnswer(true);
    if (view === 'host') answer = hostAnswer;
    if (metricSelect) {
      metricSelect.hidden = view !== 'items';
      if (view === 'items') fillMetrics();
    }
    if (chart) chart.destroy();
    container.replaceChildren();
    const lines = view === 'host' ? hostLines(spec, answer) : itemLines(answer, metric);
    if (!answer.timestamps.length || !lines.length) {
      container.dataset.points = '0';
      container.append(el('p', { class: 'empty', text: 'No samples in this range.' }));
      chart = null;
      return;
    }
    chart = drawChart(container, {
      timestamps: answer.timestamps, lines,
      onZoom: (from, to) => ctx.navigate(`#/collectors/${id}?from=${isoOf(Math.floor(from))}&to=${isoOf(Math.ceil(to))}`),
    });
  }

  return {
    family: spec.family,
    figure,
    async load() {
      hostAnswer = await fetchAnswer(false);
      answer = hostAnswer;
      await redraw();
      return hostAnswer;
    },
    span() { // the range's length, in seconds (none before the first tick)
      return hostAnswer.start ? (Date.parse(hostAnswer.end) - Date.parse(hostAnswer.start)) / 1000 : 0;
    },
    lastTimestamp() {
      return hostAnswer.timestamps.length ? hostAnswer.timestamps.at(-1) : null;
    },
    append(timestamps, series, span) {
      hostAnswer.timestamps.push(...timestamps);
      for (const [key, values] of Object.entries(series)) hostAnswer.series[key]?.push(...values);
      if (view === 'host' && chart) chart.append(timestamps, series, span);
      else if (view === 'host') redraw();
    },
    resize() {
      if (chart) chart.resize();
    },
    destroy() {
      if (chart) chart.destroy();
    },
  };
}
