// One time-series chart (uPlot): labelled axes with the API's units (one unit per axis, at
// most two axes), UTC times, gaps where the API answers null (never interpolated), and a
// drag across the plot that reports its time range instead of zooming locally, so the
// caller asks the API for that range at its finer resolution.
//
// The container gets data-points (x values drawn), data-last (the newest one, Unix seconds)
// and data-draw-ms (from setData, or the chart's creation, to the end of uPlot's draw of
// those data).
import uPlot from './vendor/uplot/uPlot.esm.js';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const HEIGHT = 240;
const MIN_DRAG_PIXELS = 4;
const numbers = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
const pad = (n) => String(n).padStart(2, '0');

export function compact(value) {
  return value == null ? '–' : numbers.format(value);
}

function range(unit) {
  if (unit === '%') return (u, min, max) => [0, Math.max(100, max ?? 0)];
  return (u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.05 : 1];
}

// Time ticks in UTC, 24-hour, as precise as the ticks' spacing needs.
function timeTicks(u, splits, axisIdx, space, increment) {
  return splits.map((ts) => {
    const d = new Date(ts * 1000);
    const day = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    if (increment >= 86400) return day;
    if (increment >= 3600) return `${day} ${time}`;
    return increment < 60 ? `${time}:${pad(d.getUTCSeconds())}` : time;
  });
}

function axes(units) {
  const time = { label: 'time (UTC)', stroke: 'currentColor', grid: { stroke: '#8884' }, ticks: { stroke: '#8884' },
                 values: timeTicks };
  return [time, ...units.map((unit, side) => ({
    scale: unit, label: unit, side: side === 0 ? 3 : 1, stroke: 'currentColor', size: 60,
    grid: { show: side === 0, stroke: '#8884' }, ticks: { stroke: '#8884' },
    values: (u, values) => values.map(compact),
  }))];
}

export function drawChart(container, { timestamps, lines, onZoom }) {
  const units = [...new Set(lines.map((line) => line.unit))].slice(0, 2);
  const shown = lines.filter((line) => units.includes(line.unit));
  let drawStarted = performance.now();
  const data = [timestamps.slice(), ...shown.map((line) => line.values.slice())];

  const options = {
    width: Math.max(container.clientWidth, 280),
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: true, y: false, setScale: false } },
    scales: { x: { time: true }, ...Object.fromEntries(units.map((unit) => [unit, { range: range(unit) }])) },
    axes: axes(units),
    series: [
      { label: 'time (UTC)', value: (u, ts) => (ts == null ? '–' : new Date(ts * 1000).toISOString().slice(0, 19).replace('T', ' ')) },
      ...shown.map((line, i) => ({ label: `${line.label} (${line.unit})`, scale: line.unit,
                                   stroke: PALETTE[i % PALETTE.length], width: 1.5,
                                   value: (u, v) => compact(v) })),
    ],
    hooks: {
      draw: [() => {
        if (drawStarted === null) return;
        container.dataset.drawMs = (performance.now() - drawStarted).toFixed(1);
        drawStarted = null;
      }],
      setSelect: [(u) => {
        const { left, width } = u.select;
        if (width >= MIN_DRAG_PIXELS && onZoom) onZoom(u.posToVal(left, 'x'), u.posToVal(left + width, 'x'));
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      }],
    },
  };
  const counted = () => {
    container.dataset.points = String(data[0].length);
    container.dataset.last = data[0].length ? String(data[0][data[0].length - 1]) : '';
  };
  counted();
  const plot = new uPlot(options, data, container);

  return {
    // New ticks at the right; the oldest dropped so the chart keeps its span.
    append(newTimestamps, valuesByLabel, spanSeconds) {
      data[0].push(...newTimestamps);
      shown.forEach((line, i) => data[i + 1].push(...(valuesByLabel[line.key] || newTimestamps.map(() => null))));
      const oldest = data[0][data[0].length - 1] - spanSeconds;
      const drop = data[0].findIndex((ts) => ts >= oldest);
      if (drop > 0) data.forEach((values) => values.splice(0, drop));
      counted();
      drawStarted = performance.now();
      plot.setData(data);
    },
    lastTimestamp() {
      return data[0].length ? data[0][data[0].length - 1] : null;
    },
    resize() {
      plot.setSize({ width: Math.max(container.clientWidth, 280), height: HEIGHT });
    },
    destroy() {
      plot.destroy();
    },
  };
}
