/**
 * Prebuilds the workflow bundle for production workers (WORKFLOW_BUNDLE_PATH), so a worker
 * starts without running webpack and every replica runs byte-identical workflow code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker';

const out = process.argv[2] ?? 'build/workflow-bundle.js';
console.log(`bundling ${WORKFLOWS_PATH}…`);
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
console.log(`wrote ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
