import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';

/**
 * `npm run deps` refuses what docs/architecture.md forbids. Each fixture is a small tree of server/ and
 * client/ files with one kind of violation, cruised with the project's own .dependency-cruiser.cjs.
 */

const CONFIG = path.join(projectRoot, '.dependency-cruiser.cjs');
const DEPS_SCRIPT = path.join(projectRoot, 'scripts', 'deps.mjs');

const { featureDependencies } = createRequire(import.meta.url)(CONFIG) as {
  featureDependencies: Record<string, string[]>;
};

type Tree = Record<string, string>;

const fixtureRoot = mkdtempSync(path.join(tmpdir(), 'fieldkit-deps-'));
afterAll(() => rmSync(fixtureRoot, { recursive: true, force: true }));

let fixtureCount = 0;
/** Writes the tree beside a tsconfig like the project's (NodeNext: imports say `.js`, files are `.ts`). */
function writeFixture(tree: Tree): string {
  const dir = path.join(fixtureRoot, String(fixtureCount++));
  const files: Tree = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true },
    }),
    'client/shared/empty.ts': 'export {};\n',
    ...tree,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** The cruise `npm run deps` makes (scripts/deps.mjs), run in this process: one process start for all fixtures. */
async function check(tree: Tree): Promise<{ exitCode: number; output: string }> {
  const dir = writeFixture(tree);
  const options = await extractDepcruiseOptions(CONFIG);
  const result = await cruise(
    ['server', 'client'],
    { ...options, baseDir: dir, outputType: 'err' },
    {},
    { tsConfig: extractTSConfig(path.join(dir, 'tsconfig.json')) },
  );
  return { exitCode: result.exitCode, output: String(result.output) };
}

/** The rule names reported, each once. */
const rulesIn = (output: string) => [...new Set([...output.matchAll(/error ([a-z-]+):/g)].map((m) => m[1]))].sort();

/** A tree that keeps every rule: each layer importing only downward, a feature standing on one it lists. */
const CLEAN: Tree = {
  'server/platform/db.ts': 'export type Db = { name: string };\n',
  'server/contracts/roles.ts': "export const ROLES = ['admin'] as const;\n",
  'server/instruments/answers.ts': "import type { Db } from '../platform/db.js';\nexport type Answers = { db: Db };\n",
  'server/codebook/build.ts':
    "import type { Answers } from '../instruments/answers.js';\nexport type Codebook = Answers;\n",
  'server/http/registry.ts':
    "import { ROLES } from '../contracts/roles.js';\nimport type { Codebook } from '../codebook/build.js';\n" +
    'export const staffRoute = (book: Codebook) => ({ book, roles: ROLES });\n',
  'server/offices/repo.ts': "import type { Db } from '../platform/db.js';\nexport const officeRepo = (db: Db) => db;\n",
  'server/cases/service.ts':
    "import { officeRepo } from '../offices/repo.js';\nimport { staffRoute } from '../http/registry.js';\n" +
    'export const caseRoutes = () => [staffRoute, officeRepo];\n',
  'server/app.ts': "import { caseRoutes } from './cases/service.js';\nexport const createApp = () => caseRoutes();\n",
  'server/cli/cases.ts': "import { createApp } from '../app.js';\nexport const run = () => createApp();\n",
  'client/console/roles.ts':
    "import { ROLES } from '../../server/contracts/roles.js';\nimport type { Answers } from '../../server/instruments/answers.js';\n" +
    'export const roles = (a: Answers) => [a, ROLES];\n',
};

/** Each fixture's violation: the tree, the rule that must refuse it, and the edge it must name. */
const VIOLATIONS: { name: string; tree: Tree; rule: string; edge: RegExp }[] = [
  {
    name: 'a folder cycle with no file cycle (server/a/x.ts → server/b/y.ts → server/a/z.ts)',
    tree: {
      'server/a/x.ts': "import { y } from '../b/y.js';\nexport const x = y;\n",
      'server/b/y.ts': "import { z } from '../a/z.js';\nexport const y = z;\n",
      'server/a/z.ts': 'export const z = 1;\n',
    },
    rule: 'no-folder-cycle',
    edge: /no-folder-cycle: server\/a → \s*server\/b →\s*server\/a/,
  },
  {
    name: 'a folder cycle inside a feature, which only the folder rule sees',
    tree: {
      'server/cases/list/rows.ts': "import { cell } from '../present/cell.js';\nexport const rows = cell;\n",
      'server/cases/present/cell.ts': "import { width } from '../list/width.js';\nexport const cell = width;\n",
      'server/cases/list/width.ts': 'export const width = 1;\n',
    },
    rule: 'no-folder-cycle',
    edge: /no-folder-cycle: server\/cases\/list → \s*server\/cases\/present →\s*server\/cases\/list/,
  },
  {
    name: 'a two-file cycle',
    tree: {
      'server/cases/repo.ts': "import type { CaseRow } from './service.js';\nexport const rows: CaseRow[] = [];\n",
      'server/cases/service.ts':
        "import { rows } from './repo.js';\nexport type CaseRow = { id: number };\nexport const all = rows;\n",
    },
    rule: 'no-circular',
    edge: /no-circular: server\/cases\/repo\.ts → \s*server\/cases\/service\.ts →\s*server\/cases\/repo\.ts/,
  },
  {
    name: 'a feature importing server/app.ts',
    tree: {
      'server/app.ts': 'export const createApp = () => 1;\n',
      'server/cases/service.ts': "import { createApp } from '../app.js';\nexport const app = createApp;\n",
    },
    rule: 'no-import-of-composition-root',
    edge: /no-import-of-composition-root: server\/cases\/service\.ts → server\/app\.ts/,
  },
  {
    name: 'a feature importing a CLI command',
    tree: {
      'server/cli/offices.ts': 'export const listOffices = () => 1;\n',
      'server/offices/repo.ts': "import { listOffices } from '../cli/offices.js';\nexport const list = listOffices;\n",
    },
    rule: 'no-import-of-composition-root',
    edge: /no-import-of-composition-root: server\/offices\/repo\.ts → server\/cli\/offices\.ts/,
  },
  {
    name: 'server/http importing a feature, by a type-only import',
    tree: {
      'server/staff/repo.ts': 'export type StaffRow = { id: number };\n',
      'server/http/registry.ts': "import type { StaffRow } from '../staff/repo.js';\nexport type Actor = StaffRow;\n",
    },
    rule: 'framework-imports-no-feature',
    edge: /framework-imports-no-feature: server\/http\/registry\.ts → server\/staff\/repo\.ts/,
  },
  {
    name: 'server/platform importing server/http',
    tree: {
      'server/http/logging.ts': 'export const log = () => 1;\n',
      'server/platform/db.ts': "import { log } from '../http/logging.js';\nexport const openDb = log;\n",
    },
    rule: 'platform-imports-only-platform',
    edge: /platform-imports-only-platform: server\/platform\/db\.ts → server\/http\/logging\.ts/,
  },
  {
    name: 'the instrument core importing a feature',
    tree: {
      'server/exports/columns.ts': 'export const columns = 1;\n',
      'server/codebook/build.ts': "import { columns } from '../exports/columns.js';\nexport const build = columns;\n",
    },
    rule: 'core-imports-only-platform-and-contracts',
    edge: /core-imports-only-platform-and-contracts: server\/codebook\/build\.ts → server\/exports\/columns\.ts/,
  },
  {
    name: 'the contracts importing a node module',
    tree: {
      'server/contracts/roles.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
    },
    rule: 'contracts-import-only-zod',
    edge: /contracts-import-only-zod: server\/contracts\/roles\.ts → (node:)?fs/,
  },
  {
    name: 'the client importing a server feature',
    tree: {
      'server/cases/disposition.ts': 'export const CODES = [1];\n',
      'client/console/cases.ts':
        "import { CODES } from '../../server/cases/disposition.js';\nexport const codes = CODES;\n",
    },
    rule: 'client-imports-only-contracts-and-instruments',
    edge: /client-imports-only-contracts-and-instruments: client\/console\/cases\.ts → server\/cases\/disposition\.ts/,
  },
  {
    name: 'a feature importing a feature outside its documented list (offices stands on none)',
    tree: {
      'server/cases/repo.ts': 'export const caseRepo = 1;\n',
      'server/offices/repo.ts': "import { caseRepo } from '../cases/repo.js';\nexport const officeRepo = caseRepo;\n",
    },
    rule: 'feature-not-in-table',
    edge: /feature-not-in-table: server\/offices\/repo\.ts → server\/cases\/repo\.ts/,
  },
  {
    name: 'a folder that is neither a layer nor a listed feature',
    tree: {
      'server/platform/db.ts': 'export const openDb = () => 1;\n',
      'server/studies/repo.ts': "import { openDb } from '../platform/db.js';\nexport const studyRepo = openDb;\n",
    },
    rule: 'folder-not-in-a-layer',
    edge: /folder-not-in-a-layer: server\/studies\/repo\.ts → server\/platform\/db\.ts/,
  },
  {
    name: 'an import that resolves to no file',
    tree: { 'server/cases/repo.ts': "import { rows } from './rowz.js';\nexport const caseRepo = rows;\n" },
    rule: 'not-to-unresolvable',
    edge: /not-to-unresolvable: server\/cases\/repo\.ts → \.\/rowz\.js/,
  },
];

describe('npm run deps', () => {
  it('passes a tree in which every layer imports only downward', async () => {
    const { exitCode, output } = await check(CLEAN);
    expect(output).toContain('no dependency violations found');
    expect(exitCode).toBe(0);
  });

  for (const { name, tree, rule, edge } of VIOLATIONS) {
    it(`refuses ${name} under ${rule}`, async () => {
      const { exitCode, output } = await check({ ...CLEAN, ...tree });
      expect(exitCode).toBeGreaterThan(0);
      expect(rulesIn(output)).toContain(rule);
      expect(output).toMatch(edge);
    });
  }

  it('reports a folder cycle without a file cycle as that and nothing else inside a feature', async () => {
    const inFeature = VIOLATIONS[1] as (typeof VIOLATIONS)[number];
    const { output } = await check({ ...CLEAN, ...inFeature.tree });
    expect(rulesIn(output)).toEqual(['no-folder-cycle']);
  });

  it('exits 1 from the command itself, naming the rule', async () => {
    const violation = VIOLATIONS[0] as (typeof VIOLATIONS)[number];
    const dir = writeFixture({ ...CLEAN, ...violation.tree });
    // A crash exits non-zero too: the rule's name in the report is what shows the check itself refused.
    const outcome = await promisify(execFile)(process.execPath, [DEPS_SCRIPT], { cwd: dir }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code, stdout: error.stdout ?? '' }),
    );
    expect(outcome.code).toBe(1);
    expect(rulesIn(outcome.stdout)).toContain('no-folder-cycle');
  }, 30_000);
});

describe('the documented feature table', () => {
  it('lists, for each feature, only features that are in the table themselves', () => {
    const features = Object.keys(featureDependencies);
    for (const [feature, standsOn] of Object.entries(featureDependencies)) {
      expect({ feature, unknown: standsOn.filter((f) => !features.includes(f) || f === feature) }).toEqual({
        feature,
        unknown: [],
      });
    }
  });

  it('has no cycle: a feature never stands, through others, on itself', () => {
    const reaches = (from: string, seen: Set<string>): Set<string> => {
      for (const next of featureDependencies[from] ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          reaches(next, seen);
        }
      }
      return seen;
    };
    const selfReaching = Object.keys(featureDependencies).filter((f) => reaches(f, new Set()).has(f));
    expect(selfReaching).toEqual([]);
  });

  it('is the one docs/architecture.md prints', () => {
    const doc = readFileSync(path.join(projectRoot, 'docs', 'architecture.md'), 'utf8');
    const documented: Record<string, string[]> = {};
    for (const [, feature, standsOn] of doc.matchAll(/^\|\s*`([a-z]+)\/`\s*\|(.*)\|\s*$/gm)) {
      documented[feature as string] = [...(standsOn as string).matchAll(/`([a-z]+)`/g)].map((m) => m[1] as string);
    }
    const sorted = (table: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(table).map(([feature, standsOn]) => [feature, [...standsOn].sort()]));
    expect(sorted(documented)).toEqual(sorted(featureDependencies));
  });

  it('draws every feature in docs/architecture.md on a tier above all it stands on', () => {
    const doc = readFileSync(path.join(projectRoot, 'docs', 'architecture.md'), 'utf8');
    const tierOf = new Map<string, number>();
    for (const [, tier, names] of doc.matchAll(/^ tier (\d) │ (.+)$/gm)) {
      for (const name of (names as string).trim().split(/\s+/)) tierOf.set(name, Number(tier));
    }
    expect([...tierOf.keys()].sort()).toEqual(Object.keys(featureDependencies).sort());
    const misplaced = Object.entries(featureDependencies).flatMap(([feature, standsOn]) =>
      standsOn
        .filter((f) => (tierOf.get(f) ?? Number.POSITIVE_INFINITY) >= (tierOf.get(feature) ?? 0))
        .map((f) => `${feature} → ${f}`),
    );
    expect(misplaced).toEqual([]);
  });
});
