/**
 * The workflow bundle as production ships it: webpack output (`bundleWorkflowCode`) split into
 * the code and its source map, written side by side (`workflow-bundle.js` and
 * `workflow-bundle.js.map`). The SDK inlines the map as base64, which makes the code file about
 * 2.7 times its size; kept apart, the map is there for debuggers and for the workers' stack
 * traces (a worker reads both: see loadWorkflowBundle).
 *
 *   const bundle = await buildWorkflowBundle();        // webpack: seconds
 *   await writeWorkflowBundle('build/workflow-bundle.js', bundle);
 *   const option = await loadWorkflowBundle('build/workflow-bundle.js'); // → Worker's workflowBundle
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, type Logger, bundleWorkflowCode } from '@temporalio/worker';
import { TRACING_WORKFLOW_INTERCEPTORS } from './telemetry/workflow-interceptors';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface WorkflowBundleFiles {
  /** The bundle's code, with no source map in it. */
  code: string;
  /** Its source map (JSON). */
  map: string;
}

/** How webpack (and the SDK, which reads it back the same way) ends a bundle with its map inline. */
const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;
const MAP_URL = /\n\/\/# sourceMappingURL=[^\n]*\s*$/;

/**
 * Bundles the workflow code with the options a worker bundling at start uses too (the path, the
 * default payload converter, and the tracing interceptors when `tracing`), so a replay of this
 * bundle runs what production runs. `workflowsPath` is for the bench's own workflows.
 */
export async function buildWorkflowBundle(
  options: { workflowsPath?: string; logger?: Logger; tracing?: boolean } = {},
): Promise<WorkflowBundleFiles> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    logger: options.logger ?? new DefaultLogger('WARN'),
    ...(options.tracing && { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] }),
  });
  return splitSourceMap(code);
}

/** Takes the inline source map out of bundled code. */
export function splitSourceMap(codeWithMap: string): WorkflowBundleFiles {
  const inline = INLINE_MAP.exec(codeWithMap);
  if (!inline) throw new Error('the workflow bundle has no inline source map to split off');
  return {
    code: codeWithMap.slice(0, inline.index + 1),
    map: Buffer.from(inline[1]!, 'base64').toString('utf8'),
  };
}

/** Whether bundled code carries its source map inline. */
export function hasInlineSourceMap(code: string): boolean {
  return INLINE_MAP.test(code);
}

/** Writes `codePath` and `codePath.map`; the code names its map file, as tools expect. */
export async function writeWorkflowBundle(codePath: string, bundle: WorkflowBundleFiles): Promise<void> {
  await writeFile(`${codePath}.map`, bundle.map);
  await writeFile(codePath, `${bundle.code}//# sourceMappingURL=${basename(codePath)}.map\n`);
}

/**
 * The Worker option for a bundle written by writeWorkflowBundle. SDK 1.24 needs the map inline
 * (it throws on a bundle without one, and ignores `sourceMapPath`): it maps every workflow stack
 * trace through it. So the map is put back in memory, under the code file's own name, which
 * unmapped stack frames then show. A bundle that still has its map inline is taken as it is.
 */
export async function loadWorkflowBundle(codePath: string): Promise<{ code: string }> {
  const code = await readFile(codePath, 'utf8');
  if (hasInlineSourceMap(code)) return { code };
  const mapPath = `${codePath}.map`;
  const map = await readFile(mapPath, 'utf8').catch((err: unknown) => {
    throw new Error(`workflow bundle ${codePath} has no source map ${mapPath} next to it (npm run build:workflows)`, {
      cause: err,
    });
  });
  return { code: joinSourceMap({ code: code.replace(MAP_URL, '\n'), map }, resolve(codePath)) };
}

/** The code with `map` inline again, its `file` set to `filename` (the script name stack traces show). */
export function joinSourceMap(bundle: WorkflowBundleFiles, filename?: string): string {
  const map = filename ? JSON.stringify({ ...(JSON.parse(bundle.map) as object), file: filename }) : bundle.map;
  return `${bundle.code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
}

export interface BundledModule {
  /** As webpack names it: `./domain/plan.ts`, `../main/node_modules/zod/v4/core/core.js`. */
  id: string;
  /** The npm package it belongs to; null for our own modules. */
  package: string | null;
  /** Bytes of bundled code it takes. */
  bytes: number;
}

/** Module headers as webpack writes them in development mode, the mode the SDK bundles in. */
export const MODULE_HEADER = /^\/\*{3}\/ "([^"]+)"$/gm;

/** The modules in bundled code, in bundle order, with the bytes each takes up to the next module. */
export function bundledModules(code: string): BundledModule[] {
  const body = code.replace(INLINE_MAP, '\n').replace(MAP_URL, '\n');
  const headers = [...body.matchAll(MODULE_HEADER)];
  return headers.map((header, i) => {
    const end = headers[i + 1]?.index ?? body.length;
    return { id: header[1]!, package: packageOf(header[1]!), bytes: Buffer.byteLength(body.slice(header.index, end)) };
  });
}

export function packageOf(moduleId: string): string | null {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(moduleId);
  return match ? match[1]! : null;
}

/** Whether bundled code carries the tracing interceptors (`npm run build:workflows -- --tracing`). */
export function bundleTraces(code: string): boolean {
  return bundledModules(code).some((m) => m.package === '@temporalio/interceptors-opentelemetry');
}

/** Bytes per package (our own modules each under their own id), biggest first. */
export function bundleComposition(code: string): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const m of bundledModules(code)) totals.set(m.package ?? m.id, (totals.get(m.package ?? m.id) ?? 0) + m.bytes);
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}
