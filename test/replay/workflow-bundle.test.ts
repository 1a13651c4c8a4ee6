/**
 * Tier 2 (DESIGN.md section 6): the workflow code builds into a Temporal sandbox bundle (the
 * same `bundleWorkflowCode` a Worker runs at start or a deploy step runs ahead of time), and the
 * bundle pulls in only deterministic, I/O-free code: the workflows, the pure domain and their
 * small pure dependencies. Anything from the activity, database, API or Node side showing up here
 * means a workflow (or a domain module it imports) grew an import it must not have.
 */
import { builtinModules } from 'node:module';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH, bundledModules, packageOf, splitSourceMap } from '../../workflow-bundle';
import { bundleWorkflows, installQuietRuntime } from '../support/replay';

/**
 * npm packages allowed in the sandbox: the SDK's own, nothing else. (zod and luxon were here;
 * the workflow side of the domain uses neither, and a bundle without them is a third the size.)
 */
const ALLOWED_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common', 'nexus-rpc', 'long', 'ms']);
/** Our own folders allowed in the sandbox. */
const ALLOWED_OWN_FOLDERS = new Set(['workflows', 'domain']);

/** Packages and modules that must never reach workflow code (I/O, clocks, the worker/client side). */
const FORBIDDEN_PACKAGES = [
  '@temporalio/worker',
  '@temporalio/client',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/core-bridge',
  'pg',
  'postgres',
  'drizzle-orm',
  '@electric-sql/pglite',
  'pino',
  'fastify',
  'resend',
  'twilio',
  'openai',
];
/** Every Node built-in, as Node itself lists them (the internal `_…` ones cannot be imported). */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

let bundle: WorkflowBundleWithSourceMap;
let modules: string[];

/** The code without its inline source map (which embeds every source file once more). */
const codeWithoutSourceMap = (code: string): string => splitSourceMap(code).code;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows(WORKFLOWS_PATH);
  modules = bundledModules(bundle.code).map((m) => m.id);
});

describe('workflow bundle', () => {
  it('builds, with the journey workflow and the pure domain in it', () => {
    expect(bundle.code.length).toBeGreaterThan(0);
    expect(modules).toEqual(
      expect.arrayContaining([
        './workflows/index.ts',
        './workflows/journey.ts',
        './workflows/deliveries.ts',
        './workflows/late-payment-confirmation.ts',
        './workflows/messages.ts',
        './domain/journey.ts',
        './domain/plan.ts',
      ]),
    );
    // The workflows are exported under the type names clients start them with.
    expect(bundle.code).toMatch(/dunningJourney/);
    expect(bundle.code).toMatch(/confirmLatePayment/);
  });

  it('contains only allowed packages and our own workflow and domain modules', () => {
    const packages = new Set(modules.map(packageOf).filter((p): p is string => p !== null));
    expect([...packages].filter((p) => !ALLOWED_PACKAGES.has(p))).toEqual([]);
    const own = modules.filter((m) => packageOf(m) === null && m.startsWith('./'));
    expect(own.filter((m) => !ALLOWED_OWN_FOLDERS.has(m.split('/')[1]!))).toEqual([]);
    // Activity contracts are types only: no activity, db or api module is bundled.
    expect(own.filter((m) => /^\.\/(activities|db|api)\//.test(m) || /^\.\/(worker|client)\.ts$/.test(m))).toEqual([]);
  });

  it('pulls in no forbidden package and no Node built-in', () => {
    const code = codeWithoutSourceMap(bundle.code);
    for (const pkg of FORBIDDEN_PACKAGES) {
      expect(code, pkg).not.toContain(`node_modules/${pkg}/`);
      expect(code, pkg).not.toMatch(new RegExp(`require\\(["']${pkg.replace('/', '\\/')}["']\\)`));
    }
    for (const builtin of NODE_BUILTINS) {
      expect(code, builtin).not.toMatch(new RegExp(`require\\(["'](node:)?${builtin.replace('/', '\\/')}["']\\)`));
      expect(code, builtin).not.toContain(`"node:${builtin}"`);
    }
  });

  it('the module list is what the checks above inspect (they would see a forbidden module)', () => {
    // Guards the checks against a webpack output format change that would make them vacuous.
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.some((m) => packageOf(m) === '@temporalio/workflow')).toBe(true);
    expect(packageOf('./node_modules/pino/lib/tools.js')).toBe('pino');
    expect(packageOf('./node_modules/@temporalio/worker/lib/worker.js')).toBe('@temporalio/worker');
  });

  it('is reasonably sized', () => {
    const kib = Buffer.byteLength(codeWithoutSourceMap(bundle.code)) / 1024;
    // About 0.6 MiB today (the SDK and our code); a jump means something heavy was pulled in.
    expect(kib).toBeLessThan(1_024);
  });
});
