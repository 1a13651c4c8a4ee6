/**
 * Where a full-ladder replay's time goes: `npx tsx bench/replay/profile.ts [replays]` replays the
 * replay bench's journey (histories.ts) under V8's CPU profiler and puts every sample under what
 * the worker was doing: a domain/ call (named by the function workflow code called), workflow
 * code of its own, the SDK inside the sandbox or outside it. Run it before and after making the
 * domain faster.
 */
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../test/support/replay';
import { MODULE_HEADER, buildWorkflowBundle, joinSourceMap } from '../../workflow-bundle';
import { type BenchHistory, longestFullLadder } from './histories';

type Frame = { name: string; url: string; module: string | null };

async function replayTimes(bundle: { code: string }, journey: BenchHistory, times: number): Promise<void> {
  const histories = Array.from({ length: times }, (_, i) => ({ history: journey.history, workflowId: `profile/${i}` }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories))
    if (result.error) throw result.error;
}

/** Bundle line (0-based) → module id, from webpack's development-mode module headers. */
function moduleAtLine(code: string): (line: number) => string | null {
  const starts: [number, string][] = [];
  code.split('\n').forEach((text, line) => {
    const header = new RegExp(MODULE_HEADER.source).exec(text);
    if (header) starts.push([line, header[1]!]);
  });
  return (line) => starts.findLast(([start]) => start <= line)?.[1] ?? null;
}

/** What a sample was doing, from its stack (outermost frame first). */
function activity(stack: Frame[]): string {
  const leaf = stack.at(-1)!;
  if (leaf.name === '(idle)' || leaf.name === '(garbage collector)' || leaf.name === '(program)') return leaf.name;
  // Node starts a watchdog thread for every vm call with a timeout, and the SDK always sets one.
  if (leaf.name === 'runInContext' && leaf.url === '') return 'SDK: entering the sandbox (vm timeout watchdog)';
  if (stack.some((f) => /^(init|settled)$/.test(f.name) && f.url.includes('vm-shared')))
    return 'SDK: promise hook (a stack trace per promise, source-mapped)';
  if (stack.some((f) => f.name === 'importWorkflows')) return 'module evaluation, once per workflow';
  const domain = stack.find((f) => f.module?.startsWith('./domain/'));
  if (domain) return `domain: ${domain.name} (${domain.module!.slice(2)})`;
  if (stack.some((f) => f.module?.startsWith('./workflows/'))) return 'workflows/: own code';
  if (stack.some((f) => f.module !== null)) return 'SDK inside the sandbox';
  return 'SDK and Node outside the sandbox';
}

function breakdown(profile: Profiler.Profile, code: string): Map<string, number> {
  const moduleAt = moduleAtLine(code);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frame = (id: number): Frame => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    return { name: functionName, url, module: url.includes('workflow-bundle') ? moduleAt(lineNumber) : null };
  };
  const micros = new Map<string, number>();
  profile.samples?.forEach((id, i) => {
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) stack.unshift(frame(at));
    const what = activity(stack);
    micros.set(what, (micros.get(what) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  return micros;
}

const replays = Number(process.argv[2] ?? 50);
installQuietRuntime('ERROR');
const journey = longestFullLadder();
const bundle = { code: joinSourceMap(await buildWorkflowBundle()) };
await replayTimes(bundle, journey, 5); // warms the JIT
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
await replayTimes(bundle, journey, replays);
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const micros = breakdown(profile, bundle.code);
const total = [...micros.values()].reduce((sum, us) => sum + us, 0);
console.log(`${journey.name}: ${replays} replays, ${(total / 1000 / replays).toFixed(1)} ms each (profiled)\n`);
for (const [what, us] of [...micros].sort((a, b) => b[1] - a[1]))
  console.log(
    `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000 / replays).toFixed(2).padStart(7)} ms  ${what}`,
  );
