/**
 * Prebuilds the workflow bundle for production workers (WORKFLOW_BUNDLE_PATH), so a worker
 * starts without running webpack and every replica runs byte-identical workflow code. Writes the
 * code and, next to it, its source map (`<out>.map`): see workflow-bundle.ts. `--tracing` puts the
 * workflow's tracing interceptors in (README, "Tracing"): a worker traces its workflows only then.
 *
 *   npm run build:workflows -- [out] [--tracing]
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WORKFLOWS_PATH, buildWorkflowBundle, bundleComposition, writeWorkflowBundle } from '../workflow-bundle';

const args = process.argv.slice(2);
const tracing = args.includes('--tracing');
const out = args.find((arg) => !arg.startsWith('--')) ?? 'build/workflow-bundle.js';
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

console.log(`bundling ${WORKFLOWS_PATH}${tracing ? ' with the tracing interceptors' : ''}…`);
const bundle = await buildWorkflowBundle({ tracing });
await mkdir(dirname(out), { recursive: true });
await writeWorkflowBundle(out, bundle);
const biggest = bundleComposition(bundle.code).slice(0, 5);
console.log(
  `wrote ${out} (${kib(Buffer.byteLength(bundle.code))}) and ${out}.map (${kib(Buffer.byteLength(bundle.map))})`,
);
console.log(`biggest: ${biggest.map((m) => `${m.name} ${kib(m.bytes)}`).join(', ')}`);
