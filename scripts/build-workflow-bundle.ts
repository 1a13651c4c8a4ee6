/**
 * Prebuilds the workflow bundle for production workers (WORKFLOW_BUNDLE_PATH), so a worker
 * starts without running webpack and every replica runs byte-identical workflow code. Writes the
 * code and, next to it, its source map (`<out>.map`): see workflow-bundle.ts.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WORKFLOWS_PATH, buildWorkflowBundle, bundleComposition, writeWorkflowBundle } from '../workflow-bundle';

const out = process.argv[2] ?? 'build/workflow-bundle.js';
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

console.log(`bundling ${WORKFLOWS_PATH}…`);
const bundle = await buildWorkflowBundle();
await mkdir(dirname(out), { recursive: true });
await writeWorkflowBundle(out, bundle);
const biggest = bundleComposition(bundle.code).slice(0, 5);
console.log(
  `wrote ${out} (${kib(Buffer.byteLength(bundle.code))}) and ${out}.map (${kib(Buffer.byteLength(bundle.map))})`,
);
console.log(`biggest: ${biggest.map((m) => `${m.name} ${kib(m.bytes)}`).join(', ')}`);
