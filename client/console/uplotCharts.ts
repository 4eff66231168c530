import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Marker, type ProgressChart, type StrataChart, wrapLabel } from './dashboardData.js';

/**
 * The dashboard's two uPlot charts. Only the dashboard imports this module, and only with a dynamic
 * import(), so uPlot is a chunk of its own: the rest of the console never loads it and respondents
 * never can (test/client/bundles.test.ts).
 */

// Palette colours (client/shared/palette.css): every line and bar is 3:1 or more against white
// (WCAG 1.4.11), and the two series differ by dash or position too, not only by colour.
const INK = '#1f2328';
const MUTED = '#545b63';
const GRID = '#d0d7de';
const FIRST = '#0b5c4c';
const SECOND = '#8a4b08';
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

const HEIGHT = 320;
const DAY = 86_400;

let measuring: CanvasRenderingContext2D | null | undefined;
/** The width of a text in the axes' font, in CSS pixels. */
function textWidth(text: string): number {
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return text.length * 7;
  measuring.font = FONT;
  return measuring.measureText(text).width;
}

const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const percentTicks = (_u: uPlot, splits: number[]) => splits.map((v) => `${v}%`);

const axis = (options: uPlot.Axis): uPlot.Axis => ({
  stroke: INK,
  font: FONT,
  labelFont: FONT,
  grid: { stroke: GRID, width: 1 },
  ticks: { stroke: GRID, width: 1 },
  ...options,
});

/**
 * Draws the mailing dates as dotted vertical lines with their names on the plot's canvas, after
 * the series, so the labels sit on top. A label goes in the first row where it overlaps no other
 * (close mailings on a narrow chart stack their names instead of printing over each other).
 */
function mailingLines(markers: readonly Marker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          const ratio = uPlot.pxRatio;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = MUTED;
          ctx.fillStyle = INK;
          ctx.lineWidth = ratio;
          ctx.setLineDash([2 * ratio, 3 * ratio]);
          ctx.font = FONT.replace('12px', `${Math.round(12 * ratio)}px`);
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left';
          const pad = 4 * ratio;
          // The right end of the last label in each row so far.
          const rows: number[] = [];
          for (const marker of markers) {
            const x = Math.round(u.valToPos(marker.x, 'x', true));
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            const text = marker.labels.join(', ');
            const textWidth = ctx.measureText(text).width;
            // Right of its line where it fits in the plot, otherwise ending at the line.
            const start = x + pad + textWidth <= left + width ? x + pad : x - pad - textWidth;
            let row = rows.findIndex((end) => end + pad <= start);
            if (row < 0) row = rows.length;
            rows[row] = start + textWidth;
            ctx.fillText(text, start, top + pad + row * 16 * ratio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** Chart 1: cumulative completes (left axis) and RR1 (right axis) by day, mailing dates marked. */
export function drawProgressChart(target: HTMLElement, chart: ProgressChart, width: number): uPlot {
  const { markers, range, rateMax } = chart;
  const options: uPlot.Options = {
    width,
    height: HEIGHT,
    // The tables beside the chart give every number; a hover legend would repeat them for the mouse only.
    legend: { show: false },
    cursor: { show: false },
    // Fieldwork days are UTC days, as the server counts them, whatever the browser's zone.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: {
      x: { time: true, range: () => range },
      completes: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.1))] },
      rate: { range: () => [0, rateMax] },
    },
    series: [
      {},
      { label: 'Completes (cumulative)', scale: 'completes', stroke: FIRST, width: 2, points: { size: 5 } },
      { label: 'RR1', scale: 'rate', stroke: SECOND, width: 2, dash: [8, 4], points: { size: 5 } },
    ],
    axes: [
      axis({
        incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY],
        values: (_u, splits) => splits.map((s) => utcDay(s).slice(5)),
      }),
      axis({ scale: 'completes', label: 'Completes (cumulative)', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }),
      axis({ scale: 'rate', side: 1, label: 'RR1', values: percentTicks, grid: { show: false } }),
    ],
    plugins: [mailingLines(markers)],
  };
  return new uPlot(options, chart.data, target);
}

/** Chart 2: RR1 and RR2 of each stratum as bars side by side, RR1 left of the stratum's tick. */
export function drawStrataChart(target: HTMLElement, chart: StrataChart, width: number): uPlot {
  const bars = uPlot.paths.bars;
  if (!bars) throw new Error('this uPlot build has no bar paths');
  const positions = chart.data[0];
  // Each name wraps to its slot's width (the y axis takes ~70 px); all slant if a word is still wider.
  const slot = (width - 70) / Math.max(1, chart.labels.length);
  const fits = (line: string) => textWidth(line) <= slot - 8;
  const lines = chart.labels.map((label) => wrapLabel(label, fits));
  const slanted = !lines.flat().every(fits);
  const rows = Math.max(1, ...lines.map((l) => l.length));
  const longest = Math.max(0, ...chart.labels.map(textWidth));
  const options: uPlot.Options = {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0, positions.length - 0.5)] },
      rate: { range: () => [0, 100] },
    },
    series: [
      {},
      {
        label: 'RR1',
        scale: 'rate',
        fill: FIRST,
        stroke: FIRST,
        points: { show: false },
        paths: bars({ size: [0.35, 56], align: -1, gap: 2 }),
      },
      {
        label: 'RR2',
        scale: 'rate',
        fill: SECOND,
        stroke: SECOND,
        points: { show: false },
        paths: bars({ size: [0.35, 56], align: 1, gap: 2 }),
      },
    ],
    axes: [
      axis({
        splits: () => positions,
        values: (_u, splits) => splits.map((i) => (slanted ? (chart.labels[i] ?? '') : (lines[i] ?? []).join('\n'))),
        grid: { show: false },
        // A positive angle ends each slanted name at its tick, so none runs off the chart's right edge.
        ...(slanted ? { rotate: 60, size: 20 + Math.ceil(longest * Math.sin(Math.PI / 3)) } : { size: 16 + rows * 16 }),
      }),
      axis({ scale: 'rate', label: 'Response rate', values: percentTicks }),
    ],
  };
  return new uPlot(options, chart.data, target);
}
