import { type ReactNode, type RefObject, useEffect, useId, useRef, useState } from 'react';
import type { ProgressChart, StrataChart } from './dashboardData.js';

type Charts = typeof import('./uplotCharts.js');

/** uPlot arrives with the first chart shown (its own chunk), once per page load. */
let loading: Promise<Charts> | undefined;
const loadCharts = () => {
  loading ??= import('./uplotCharts.js');
  return loading;
};

/** The width a chart may take: its box's, followed as the window resizes. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.floor(element.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

type Drawing = { kind: 'progress'; chart: ProgressChart } | { kind: 'strata'; chart: StrataChart };

/**
 * A uPlot chart drawn into a box, redrawn when its data or width changes. Its canvas is an image to
 * assistive technology, named by `summary`; the table that follows the chart has the numbers.
 */
function UPlotChart({ drawing, summary }: { drawing: Drawing; summary: string }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const target = box.current;
    if (!target || width === 0) return;
    let live = true;
    let destroy = () => {};
    loadCharts().then(
      (charts) => {
        if (!live) return;
        const plot =
          drawing.kind === 'progress'
            ? charts.drawProgressChart(target, drawing.chart, width)
            : charts.drawStrataChart(target, drawing.chart, width);
        const canvas = plot.root.querySelector('canvas');
        canvas?.setAttribute('role', 'img');
        canvas?.setAttribute('aria-label', summary);
        destroy = () => plot.destroy();
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
      destroy();
    };
  }, [drawing, summary, width]);
  return (
    <div ref={box} className="fk-chart">
      {failed ? <p className="fk-alert">The chart could not be loaded; the table below has its numbers.</p> : null}
    </div>
  );
}

/** A key that does not rely on colour: each series' line style is named in words too. */
export type KeyEntry = { swatch: 'solid' | 'dashed' | 'bar-first' | 'bar-second' | 'marker'; text: string };

/**
 * A chart as a figure: its caption, the chart, a key, and the table with the same numbers (inside
 * `table`), so everything the chart shows can be read without seeing it.
 */
export function ChartFigure({
  caption,
  drawing,
  summary,
  keyEntries,
  table,
}: {
  caption: string;
  drawing: Drawing;
  summary: string;
  keyEntries: KeyEntry[];
  table: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="fk-figure" aria-labelledby={id}>
      <figcaption id={id}>{caption}</figcaption>
      <UPlotChart drawing={drawing} summary={summary} />
      <ul className="fk-chart-key">
        {keyEntries.map((entry) => (
          <li key={entry.text}>
            <span className={`fk-swatch fk-swatch-${entry.swatch}`} aria-hidden="true" />
            {entry.text}
          </li>
        ))}
      </ul>
      {table}
    </figure>
  );
}
