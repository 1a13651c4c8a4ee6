/**
 * Workflow bundle (goal 7): the production bundle, written as `npm run build:workflows` writes
 * it (workflow-bundle.ts), against the same code bundled as main shipped it: the SDK's output
 * with the source map inline (the one build, its map put back). Then what the code is made of, biggest
 * first, from the module headers webpack writes in the development mode the SDK bundles in.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildWorkflowBundle,
  bundleComposition,
  hasInlineSourceMap,
  joinSourceMap,
  writeWorkflowBundle,
} from '../../workflow-bundle';
import type { Figure, Section } from '../figures';

/**
 * Libraries workflow code can do without: input is validated where it enters (API, import,
 * signals' own checks), and dates need only the platform's Intl.
 */
const KEEP_OUT = ['zod', 'luxon'];

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

export const bundle: Section = {
  name: 'bundle',
  title: 'Workflow bundle: its code without the source map, and what the code is made of',
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'bench-bundle-'));
    try {
      const codePath = join(dir, 'workflow-bundle.js');
      const built = await buildWorkflowBundle();
      await writeWorkflowBundle(codePath, built);
      const code = await readFile(codePath, 'utf8');
      const codeBytes = (await stat(codePath)).size;
      const mapBytes = await stat(`${codePath}.map`).then(
        (s) => s.size,
        () => 0,
      );
      const inline = hasInlineSourceMap(code);
      // The SDK's output as it comes: the same code with the same map inline.
      const asMain = Buffer.byteLength(joinSourceMap(built));
      console.log(
        `  production: ${kib(codeBytes)} code (map ${inline ? 'inline' : `in ${kib(mapBytes)} .map file`}); as main shipped it: ${kib(asMain)} with the map inline`,
      );

      const composition = bundleComposition(code);
      console.log('  biggest in the code:');
      for (const part of composition.slice(0, 10))
        console.log(
          `    ${kib(part.bytes).padStart(8)}  ${((part.bytes / codeBytes) * 100).toFixed(0).padStart(3)} %  ${part.name}`,
        );
      const keptIn = composition.filter((part) => KEEP_OUT.includes(part.name));
      const keptInBytes = keptIn.reduce((sum, part) => sum + part.bytes, 0);

      return [
        {
          goal: 'workflow bundle code size',
          measured: `${kib(codeBytes)}, ${inline ? 'map inline' : `map in a ${kib(mapBytes)} file`}`,
          baseline: `${kib(asMain)} with the map inline (main)`,
          ratio: codeBytes / asMain,
          target: 'no inline source map; separate .map file; smaller',
          pass: !inline && mapBytes > 0 && codeBytes < asMain,
        },
        {
          goal: `${KEEP_OUT.join(' and ')} out of workflow code`,
          measured: keptIn.length ? keptIn.map((part) => `${part.name} ${kib(part.bytes)}`).join(', ') : 'none',
          baseline: `${kib(codeBytes)} code`,
          ratio: keptInBytes / codeBytes,
          target: '0 KiB',
          pass: keptInBytes === 0,
        },
      ] satisfies Figure[];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
