import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OutputAsset, OutputChunk, RolldownOutput } from 'rolldown';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';

/**
 * Respondents must never download the staff console: this builds the client as `npm run build`
 * does (in memory) and follows every file the respondent page loads, directly or by import.
 */
let output: (OutputChunk | OutputAsset)[];
beforeAll(async () => {
  // Vitest sets NODE_ENV=test, which would bundle React's development build: the sizes below would
  // not be the ones staff download.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await build({
    configFile: path.join(projectRoot, 'client', 'vite.config.ts'),
    logLevel: 'silent',
    mode: 'production',
    build: { write: false },
  }).finally(() => {
    process.env.NODE_ENV = nodeEnv;
  });
  output = (Array.isArray(result) ? result : [result as RolldownOutput]).flatMap((r) => r.output);
}, 120_000);

const file = (name: string) => output.find((o) => o.fileName === name);
const html = (entry: string) => String((file(`${entry}/index.html`) as OutputAsset).source);
const referenced = (page: string) => [...page.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1] as string);

/**
 * Every file a page loads: what its HTML names, and every chunk those import, statically or lazily
 * (`{ lazily: false }`: only what the page loads before any script asks for more).
 */
function filesLoadedBy(entry: string, { lazily = true } = {}): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const item = file(name);
    if (item?.type === 'chunk') {
      for (const next of [...item.imports, ...(lazily ? item.dynamicImports : [])]) visit(next);
      for (const css of item.viteMetadata?.importedCss ?? []) visit(css);
    }
  };
  for (const name of referenced(html(entry))) visit(name);
  return seen;
}

const consoleDir = `${path.join(projectRoot, 'client', 'console')}${path.sep}`;
const text = (name: string) => {
  const item = file(name);
  if (!item) return '';
  return item.type === 'chunk' ? item.code : String(item.source);
};
// node_modules may be a link to another checkout's: match the package folder wherever it resolved.
const isUPlot = (id: string) => id.includes(`${path.sep}node_modules${path.sep}uplot${path.sep}`);
/** The files holding uPlot's code, or its stylesheet (whose first rule styles `.uplot`). */
const uPlotFiles = (names: Iterable<string>) =>
  [...names].filter((name) => {
    const item = file(name);
    if (item?.type === 'chunk') return item.moduleIds.some(isUPlot);
    return name.endsWith('.css') && text(name).includes('.uplot');
  });

describe('the respondent bundle', () => {
  it('loads no module of the staff console', () => {
    const respondent = filesLoadedBy('respond');
    const consoleModules = [...respondent].flatMap((name) => {
      const item = file(name);
      return item?.type === 'chunk' ? item.moduleIds.filter((id) => id.startsWith(consoleDir)) : [];
    });

    expect(respondent.size).toBeGreaterThan(1);
    expect(consoleModules).toEqual([]);
  });

  it('holds none of the console’s code or text, and its page names no console asset', () => {
    const respondent = filesLoadedBy('respond');
    const consoleOnly = [...filesLoadedBy('console')].filter((name) => !respondent.has(name));

    const tellTales = [...respondent].flatMap((name) =>
      ['/api/staff/', 'Fieldkit staff'].filter((marker) => text(name).includes(marker)).map((m) => `${name}: ${m}`),
    );
    expect(tellTales).toEqual([]);
    expect(consoleOnly.length).toBeGreaterThan(0);
    for (const name of consoleOnly) expect(html('respond')).not.toContain(name);
  });

  it('holds no part of uPlot, neither its code nor its stylesheet', () => {
    expect(uPlotFiles(filesLoadedBy('respond'))).toEqual([]);
  });

  it('is told apart from the console by these checks (they find the console in its own bundle)', () => {
    const consoleFiles = [...filesLoadedBy('console')];
    expect(consoleFiles.some((name) => text(name).includes('/api/staff/'))).toBe(true);
    expect(
      consoleFiles.some((name) => {
        const item = file(name);
        return item?.type === 'chunk' && item.moduleIds.some((id) => id.startsWith(consoleDir));
      }),
    ).toBe(true);
  });
});

describe('the console bundle', () => {
  it('loads uPlot (code and stylesheet) only when the dashboard asks for it, as chunks of their own', () => {
    const lazy = uPlotFiles(filesLoadedBy('console'));
    const eager = uPlotFiles(filesLoadedBy('console', { lazily: false }));

    expect(lazy.some((name) => name.endsWith('.js'))).toBe(true);
    expect(lazy.some((name) => name.endsWith('.css'))).toBe(true);
    expect(eager).toEqual([]);
    for (const name of lazy) expect(html('console')).not.toContain(name);
  });
});

// The packages the record entry page brings; the console's first load must carry none of them.
const SURVEYJS_PACKAGES = ['survey-core', 'survey-react-ui'];
const isSurveyJs = (id: string) =>
  SURVEYJS_PACKAGES.some((name) => id.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));
/** The files holding SurveyJS's code, or its stylesheet (whose rules style `.sd-root-modern`). */
const surveyJsFiles = (names: Iterable<string>) =>
  [...names].filter((name) => {
    const item = file(name);
    if (item?.type === 'chunk') return item.moduleIds.some(isSurveyJs);
    return name.endsWith('.css') && text(name).includes('.sd-root-modern');
  });
const recordPageModule = path.join(projectRoot, 'client', 'console', 'RecordPage.tsx');

/** Raw and gzipped bytes of some files, JS and CSS apart. */
function sizes(names: Iterable<string>) {
  const total = { jsRaw: 0, jsGzip: 0, cssRaw: 0, cssGzip: 0 };
  for (const name of names) {
    const bytes = Buffer.from(text(name));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    if (name.endsWith('.js')) {
      total.jsRaw += bytes.length;
      total.jsGzip += gzip;
    } else if (name.endsWith('.css')) {
      total.cssRaw += bytes.length;
      total.cssGzip += gzip;
    }
  }
  return total;
}
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const described = (s: ReturnType<typeof sizes>) =>
  `JS ${kB(s.jsRaw)} (gzip ${kB(s.jsGzip)}), CSS ${kB(s.cssRaw)} (gzip ${kB(s.cssGzip)})`;

describe('the console’s record entry page', () => {
  it('brings SurveyJS (code and stylesheet) as chunks of its own, none of it in the console’s first load', () => {
    const firstLoad = filesLoadedBy('console', { lazily: false });
    const everything = filesLoadedBy('console');
    const entryChunk = [...everything].find((name) => {
      const item = file(name);
      return item?.type === 'chunk' && item.moduleIds.includes(recordPageModule);
    });

    expect(surveyJsFiles(firstLoad)).toEqual([]);
    expect(entryChunk, 'RecordPage.tsx is in a chunk the console loads lazily').toBeDefined();
    expect(firstLoad.has(entryChunk as string)).toBe(false);
    const lazy = surveyJsFiles(everything);
    expect(lazy.some((name) => name.endsWith('.js'))).toBe(true);
    expect(lazy.some((name) => name.endsWith('.css'))).toBe(true);
    for (const name of lazy) expect(html('console')).not.toContain(name);

    // The figures for the closing note (printed, not asserted: sizes are not a test of behaviour).
    const entryPage = new Set<string>();
    const visit = (name: string) => {
      if (entryPage.has(name) || firstLoad.has(name)) return;
      entryPage.add(name);
      const item = file(name);
      if (item?.type === 'chunk') {
        for (const next of item.imports) visit(next);
        for (const css of item.viteMetadata?.importedCss ?? []) visit(css);
      }
    };
    visit(entryChunk as string);
    console.info(
      `console first load: ${described(sizes(firstLoad))}; record entry page adds: ${described(sizes(entryPage))}`,
    );
  });
});
