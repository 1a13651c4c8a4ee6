// @ts-check
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

/**
 * The layers and what each may import (docs/architecture.md). A zone forbids `target` to import
 * from `from`; entry points (api/main.ts, worker.ts, dev.ts) compose the layers.
 */
const layers = {
  domain: './domain',
  workflows: './workflows',
  activities: './activities',
  application: './application',
  api: './api',
  web: './web',
  db: './db',
  codec: './codec',
  scripts: './scripts',
  packages: './packages',
  telemetry: './telemetry',
};
const entryPoints = ['./worker.ts', './dev.ts', './api/main.ts'];
const zone = (target, from, message, except) => ({ target, from, message, ...(except && { except }) });
const layerZones = [
  zone(
    layers.domain,
    [
      layers.workflows,
      layers.activities,
      layers.application,
      layers.api,
      layers.web,
      layers.db,
      layers.codec,
      layers.scripts,
      layers.telemetry,
      './client.ts',
      ...entryPoints,
    ],
    'domain/ is pure: it imports only domain/.',
  ),
  zone(
    layers.db,
    [
      layers.workflows,
      layers.activities,
      layers.application,
      layers.api,
      layers.web,
      layers.codec,
      layers.scripts,
      layers.telemetry,
      './client.ts',
      ...entryPoints,
    ],
    'db/ imports only domain/ and db/.',
  ),
  zone(
    layers.workflows,
    [
      layers.application,
      layers.api,
      layers.web,
      layers.db,
      layers.codec,
      layers.scripts,
      layers.telemetry,
      './client.ts',
      ...entryPoints,
    ],
    'Workflow code imports domain/, workflows/ and activity contracts only.',
  ),
  zone(layers.workflows, layers.activities, 'Workflow code imports activity types from activities/contracts only.', [
    './contracts.ts',
  ]),
  zone(
    layers.activities,
    [layers.application, layers.api, layers.web, layers.scripts, ...entryPoints],
    'Activities are side effects behind factories: their dependencies come in, they import no use case or HTTP code.',
  ),
  zone(
    layers.application,
    [layers.api, layers.web, layers.activities, layers.scripts, ...entryPoints],
    'The application layer is neither HTTP nor a Temporal shell: it never imports them.',
  ),
  zone(
    // api/main.ts is an entry point: it composes the layers (the email sender of the seller app's links).
    ['./api/*/**', './api/!(main).ts'],
    [layers.activities, layers.scripts, './worker.ts', './dev.ts'],
    'api/ is HTTP: it reaches the rest through application/, db/ and domain/.',
  ),
  zone(
    layers.codec,
    [
      layers.domain,
      layers.workflows,
      layers.activities,
      layers.application,
      layers.api,
      layers.web,
      layers.db,
      layers.scripts,
      layers.telemetry,
      ...entryPoints,
    ],
    'codec/ stands alone.',
  ),
  zone(
    layers.web,
    [layers.activities, layers.scripts, './worker.ts', './dev.ts'],
    'web/ is HTTP for people: it reaches the rest through application/, db/ and domain/.',
  ),
  zone(
    layers.scripts,
    [layers.api, layers.web, ...entryPoints.filter((e) => e !== './worker.ts')],
    'scripts/ are tools: they use application/, never api/.',
  ),
  zone('./worker.ts', [layers.api, './dev.ts'], 'The worker does not import the API.'),
  zone(
    layers.telemetry,
    [
      ...Object.values(layers).filter((l) => ![layers.domain, layers.activities, layers.telemetry].includes(l)),
      './client.ts',
      ...entryPoints,
    ],
    'telemetry/ records what others report: it imports domain/ and activity contracts only, its data comes in.',
  ),
  zone(layers.telemetry, layers.activities, 'telemetry/ reads activity results through activities/contracts only.', [
    './contracts.ts',
  ]),
  zone(
    layers.packages,
    [...Object.values(layers).filter((layer) => layer !== layers.packages), './client.ts', ...entryPoints],
    'packages/ are published on their own: they import nothing of the repository.',
  ),
];

/**
 * What workflow code may not import. domain/ reuses this list: a later config block's
 * `no-restricted-imports` replaces an earlier block's options instead of merging with them, so
 * the domain block must repeat every pattern, not only its own additions.
 */
const sandboxRestrictedImports = [
  { group: ['node:*'], message: 'Workflow and domain code must not use Node built-ins.' },
  {
    group: [
      'fs',
      'path',
      'os',
      'crypto',
      'http',
      'https',
      'net',
      'child_process',
      'worker_threads',
      'timers',
      'process',
    ],
    message: 'Workflow and domain code must not use Node built-ins.',
  },
  {
    group: ['**/activities', '**/activities/index', '**/db/*', '**/api/*'],
    message: 'Import activity types from activities/contracts only.',
    allowTypeImports: true,
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', '.data/', 'coverage/', 'db/migrations/', 'packages/*/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import/no-restricted-paths': ['error', { zones: layerZones }],
      // A forgotten promise in a workflow or a route is a lost side effect or an unhandled rejection.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Prettier lays code out at 120 columns; what it cannot break (comments, long names) is ours to keep short.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    // Generated from openapi.json: its comments are the document's descriptions, as long as they are.
    files: ['packages/api-client/src/schema.ts'],
    rules: { 'max-len': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, and the
    // domain it imports must stay pure too.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: sandboxRestrictedImports }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No environment access in workflow or domain code.' },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...sandboxRestrictedImports,
            { group: ['@temporalio/*'], message: 'domain/ is pure: no Temporal.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'domain/ takes time as a parameter.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'domain/ takes time as a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'domain/ is deterministic.',
        },
      ],
    },
  },
);
