import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';

/**
 * The server's modules depend on each other one way: instruments → codebook → exports, and no file
 * reaches itself through its imports. Type-only imports count: a type that travels back up a layer
 * is the first step of a cycle.
 */

const SERVER = path.join(projectRoot, 'server');

function serverFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return serverFiles(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    })
    .sort();
}

/** `import … from '…'`, `export … from '…'`, side-effect `import '…'` and `import('…')` with a literal. */
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** A relative specifier as the .ts file it names (NodeNext writes `./x.js` for `./x.ts`). */
function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((c) => known.has(c));
}

const rel = (file: string) => path.relative(projectRoot, file).split(path.sep).join('/');

/** Every server file and the server files it imports, as project-relative paths. */
function importGraph(): Map<string, string[]> {
  const files = serverFiles(SERVER);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    for (const pattern of IMPORT_PATTERNS) {
      for (const match of source.matchAll(pattern)) {
        const specifier = match[1] as string;
        const target = resolveSpecifier(file, specifier, known);
        if (target) targets.add(rel(target));
        else if (specifier.startsWith('.') && path.resolve(path.dirname(file), specifier).startsWith(SERVER)) {
          throw new Error(`${rel(file)} imports ${specifier}, which is no server file`);
        }
      }
    }
    graph.set(rel(file), [...targets].sort());
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself), by Tarjan. */
function tangles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** One shortest cycle through the first file of a tangle, as `a.ts → b.ts → a.ts`. */
function cyclePath(graph: Map<string, string[]>, component: string[]): string {
  const start = component[0] as string;
  const inside = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const trail = [node];
        while (trail[0] !== start) trail.unshift(cameFrom.get(trail[0] as string) as string);
        return [...trail, start].join(' → ');
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return component.join(', ');
}

/** The imports from files under `from` into files under any of `into`, as `a.ts → b.ts`. */
function importsAcross(graph: Map<string, string[]>, from: string, into: string[]): string[] {
  return [...graph].flatMap(([file, targets]) =>
    file.startsWith(from) ? targets.filter((t) => into.some((i) => t.startsWith(i))).map((t) => `${file} → ${t}`) : [],
  );
}

describe('server imports', () => {
  const graph = importGraph();

  it('reads every kind of import: named, type-only, re-export and side-effect', () => {
    expect(graph.get('server/codebook/build.ts')).toContain('server/instruments/answers.ts');
    expect(graph.get('server/codebook/union.ts')).toContain('server/codebook/build.ts');
    expect(graph.get('server/instruments/checker.ts')).toContain('server/instruments/extensions.ts');
    expect(graph.size).toBeGreaterThan(50);
  });

  it('names a cycle by the path through it, a file importing itself included', () => {
    const made = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(tangles(made).map((component) => cyclePath(made, component))).toEqual([
      'a.ts → b.ts → c.ts → a.ts',
      'e.ts → e.ts',
    ]);
  });

  it('has no import cycle between files', () => {
    const cycles = tangles(graph).map((component) => cyclePath(graph, component));
    expect(cycles).toEqual([]);
  });

  it('keeps server/instruments below the codebook and the exports', () => {
    expect(importsAcross(graph, 'server/instruments/', ['server/codebook/', 'server/exports/'])).toEqual([]);
  });

  it('keeps server/codebook below the exports', () => {
    expect(importsAcross(graph, 'server/codebook/', ['server/exports/'])).toEqual([]);
  });
});
