/**
 * The dependency rules of docs/architecture.md, checked by `npm run deps` (part of `npm run check`).
 * Every rule is an error: a warning nobody has to fix is a cycle next month.
 */

/**
 * The features and the features each one stands on: the single source of the feature order.
 * docs/architecture.md prints the same table (test/architecture/dependencyRules.test.ts compares them).
 * A feature not listed here, or an import of a feature not in its row, fails the check.
 */
const featureDependencies = {
  offices: [],
  audit: [],
  access: [],
  tokens: [],
  catalog: [],
  rehearsal: [],
  paper: ['catalog'],
  staff: ['audit', 'access'],
  cases: ['offices', 'tokens', 'audit'],
  fieldings: ['cases', 'offices', 'tokens', 'audit'],
  responses: ['cases', 'fieldings', 'offices', 'tokens', 'access'],
  previews: ['responses', 'audit'],
  casework: ['cases', 'fieldings', 'responses', 'offices', 'tokens', 'audit'],
  templates: ['cases', 'fieldings', 'responses', 'offices', 'tokens', 'audit'],
  mailings: ['templates', 'casework', 'cases', 'fieldings', 'responses', 'offices', 'tokens', 'access', 'audit'],
  reminders: ['mailings', 'templates', 'cases', 'fieldings'],
  bounces: ['mailings', 'casework', 'cases', 'offices', 'audit'],
  fieldwork: ['casework', 'cases', 'fieldings', 'responses', 'offices', 'tokens', 'audit'],
  sites: ['staff', 'audit'],
  records: ['sites', 'responses', 'staff', 'audit'],
  exports: ['records', 'sites', 'staff', 'casework', 'cases', 'fieldings', 'offices', 'tokens', 'audit'],
  letters: ['mailings', 'templates', 'cases', 'fieldings', 'offices', 'tokens', 'audit'],
};

/** The layers below the features, bottom first, as folders of server/. */
const PLATFORM = ['platform'];
const CONTRACTS = ['contracts'];
const CORE = ['instruments', 'codebook'];
const FRAMEWORK = ['http'];
/** The composition root's folder; its files at server/*.ts are the rest of it. */
const ROOT_FOLDER = 'cli';

/** `^server/(a|b)/`: a path under any of the given folders of server/. */
const under = (folders) => `^server/(${folders.join('|')})/`;
/**
 * Any folder of server/ but the given ones and the composition root's, whose imports
 * no-import-of-composition-root reports (once, under its own name).
 */
const folderOtherThan = (folders) => ({ path: '^server/[^/]+/', pathNot: under([...folders, ROOT_FOLDER]) });

const features = Object.keys(featureDependencies);
const layered = [...PLATFORM, ...CONTRACTS, ...CORE, ...FRAMEWORK, ...features, ROOT_FOLDER];

/** One rule per feature: the server folders a feature may import are the layers below and its own row. */
const featureRules = features.map((feature) => ({
  name: 'feature-not-in-table',
  severity: 'error',
  comment: `server/${feature}/ stands on the layers below the features and on: ${
    featureDependencies[feature].join(', ') || 'no other feature'
  } (featureDependencies in .dependency-cruiser.cjs)`,
  from: { path: under([feature]) },
  to: folderOtherThan([feature, ...featureDependencies[feature], ...PLATFORM, ...CONTRACTS, ...CORE, ...FRAMEWORK]),
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file reaches itself through its imports (type-only imports included).',
      from: { path: '^(server|client)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Folders of server/ taken as units import each other in a loop, even where no single file does: ' +
        'one of them is two things or stands on the wrong side.',
      scope: 'folder',
      from: { path: '^server/' },
      to: { path: '^server/', circular: true },
    },
    {
      name: 'no-import-of-composition-root',
      severity: 'error',
      comment:
        'server/*.ts and server/cli/ wire repos, services and route tables together; nothing they wire may ' +
        'reach back into them.',
      from: { path: '^(server/(?!cli/)[^/]+/|client/)' },
      to: { path: `^server/([^/]+\\.[cm]?tsx?$|${ROOT_FOLDER}/)` },
    },
    {
      name: 'platform-imports-only-platform',
      severity: 'error',
      comment: 'server/platform/ is the bottom layer: db, config, errors, csv, paths, workers, html, clock, logger.',
      from: { path: under(PLATFORM) },
      to: folderOtherThan(PLATFORM),
    },
    {
      name: 'contracts-import-only-contracts',
      severity: 'error',
      comment: 'server/contracts/ is shared with the client: it holds zod schemas and constants, nothing else.',
      from: { path: under(CONTRACTS) },
      to: folderOtherThan(CONTRACTS),
    },
    {
      name: 'contracts-import-only-zod',
      severity: 'error',
      comment: 'The client bundles server/contracts/: a node or npm import there would travel into the browser.',
      from: { path: under(CONTRACTS) },
      // Anything outside the project's sources: node's modules and npm packages.
      to: { path: '^(?!server/|client/)', pathNot: '^node_modules/zod/' },
    },
    {
      name: 'core-imports-only-platform-and-contracts',
      severity: 'error',
      comment: 'The instrument core (server/instruments/, server/codebook/) knows no HTTP and no feature.',
      from: { path: under(CORE) },
      to: folderOtherThan([...PLATFORM, ...CONTRACTS, ...CORE]),
    },
    {
      name: 'instruments-below-codebook',
      severity: 'error',
      comment: 'The codebook is generated from the instruments, never the other way.',
      from: { path: under(['instruments']) },
      to: { path: under(['codebook']) },
    },
    {
      name: 'framework-imports-no-feature',
      severity: 'error',
      comment: 'server/http/ is what every feature uses to declare routes; a feature import there is a knot.',
      from: { path: under(FRAMEWORK) },
      to: folderOtherThan([...PLATFORM, ...CONTRACTS, ...CORE, ...FRAMEWORK]),
    },
    {
      name: 'client-imports-only-contracts-and-instruments',
      severity: 'error',
      comment:
        'The browser bundles what the client imports: of the server, only the shared contracts and the pure ' +
        'instrument helpers the respondent app runs too.',
      from: { path: '^client/' },
      to: folderOtherThan(['contracts', 'instruments']),
    },
    {
      name: 'server-imports-no-client',
      severity: 'error',
      comment: 'The server serves the built client; it does not import its sources.',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
    ...featureRules,
    {
      name: 'folder-not-in-a-layer',
      severity: 'error',
      comment:
        'Every folder of server/ is a layer, a feature listed in featureDependencies, or the CLI: a new ' +
        'feature adds its row to the table before it imports anything.',
      from: { path: `^server/(?!(${layered.join('|')})/)[^/]+/` },
      to: folderOtherThan([]),
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the check cannot resolve is an edge it cannot see: a typo must not hide a violation.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are edges too: a type that travels back up a layer is the first step of a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

// Not enumerable: dependency-cruiser's schema refuses unknown keys, and its loader copies only enumerable
// ones; the test that holds docs/architecture.md to this table reads it from here.
Object.defineProperty(module.exports, 'featureDependencies', { value: featureDependencies, enumerable: false });
