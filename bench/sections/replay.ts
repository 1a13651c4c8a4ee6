/**
 * Replay (goal 5): the longest full-ladder journey among the checked-in real histories, replayed
 * offline on the production bundle, against workflows that only wait, replayed in the same run
 * (bench/replay/histories.ts). Bundling is done before anything is timed.
 *
 * Per workflow task, with t the time one replay takes and W the workflow tasks in its history:
 *
 *   journey task = (t_journey − t_oneTimer) / (W_journey − W_oneTimer)
 *
 * The one-timer replay stands for what any replay costs whatever its history holds (a workflow
 * created in the sandbox, its modules evaluated, its eviction, its own two tasks), so only the
 * tasks the journey adds are counted. The baseline is a one-timer task with all of that in it,
 * t_oneTimer / W_oneTimer. The same difference for `timers(n)`, a workflow with as many tasks
 * that only waits, is printed beside it: what the SDK costs per task at the least. The rest is
 * the journey's: its decisions in domain/, and what its promises, commands and payloads cost the
 * SDK (bench/replay/profile.ts tells them apart).
 *
 * Then 10,000 journeys in one runReplayHistories (unique workflow IDs, start-up included)
 * against 10,000 one-timer replays. Once a run passes the goal's 60 s the goal has failed: it
 * stops there, and the figure is projected from the rate so far.
 */
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../test/support/replay';
import { buildWorkflowBundle, joinSourceMap } from '../../workflow-bundle';
import { type Figure, type Section, fmt, median } from '../figures';
import { type BenchHistory, longestFullLadder, recordTimerHistories } from '../replay/histories';

const TARGET_MS_PER_TASK = 1;
const MANY = 10_000;
/** The goal for MANY replays, and where a run of them stops. */
const MANY_TARGET_MS = 60_000;
/** Replays timed in a measurement at the least, however long they take. */
const MIN_REPLAYS = 3;

type Bundle = { code: string };

export const replay: Section = {
  name: 'replay',
  title: 'Replay: a full-ladder journey against workflows that only wait',
  async run(context) {
    installQuietRuntime('ERROR');
    const journey = longestFullLadder();
    console.log(
      `  journey: ${journey.name}, ${journey.history.events?.length} events, ${journey.workflowTasks} workflow tasks`,
    );
    const journeyBundle = { code: joinSourceMap(await buildWorkflowBundle()) };
    const { bundle: timersBundle, oneTimer, timers } = await recordTimerHistories(journey.workflowTasks);
    const cases: [Bundle, BenchHistory][] = [
      [timersBundle, oneTimer],
      [journeyBundle, journey],
      [timersBundle, timers],
    ];

    for (const [bundle, history] of cases) await msPerReplay(bundle, history, 1); // warms the JIT
    const perTask: number[] = [];
    const sdkPerTask: number[] = [];
    const oneTimerPerTask: number[] = [];
    for (let run = 1; run <= context.runs; run++) {
      // Interleaved, so that whatever else the machine does weighs on all three alike.
      const t: number[] = [];
      for (const [bundle, history] of cases) t.push(await msPerReplay(bundle, history, context.seconds));
      const [tOne, tJourney, tTimers] = t as [number, number, number];
      perTask.push((tJourney - tOne) / (journey.workflowTasks - oneTimer.workflowTasks));
      sdkPerTask.push((tTimers - tOne) / (timers.workflowTasks - oneTimer.workflowTasks));
      oneTimerPerTask.push(tOne / oneTimer.workflowTasks);
      console.log(
        `  run ${run}: per replay ${fmt.ms(tOne)} one-timer, ${fmt.ms(tJourney)} journey, ${fmt.ms(tTimers)} ${timers.name}`,
      );
    }
    const task = median(perTask);
    const sdk = median(sdkPerTask);
    const oneTask = median(oneTimerPerTask);
    console.log(
      `  a journey task: ${fmt.ms(task)} = ${fmt.ms(sdk)} a task that only waits + ${fmt.ms(task - sdk)} the journey's own`,
    );

    console.log(`  ${MANY} replays of each, each stopped at ${MANY_TARGET_MS / 1000} s…`);
    const many = await replayMany(journeyBundle, journey);
    const manyOneTimers = await replayMany(timersBundle, oneTimer);
    return [
      {
        goal: 'replay per workflow task (full ladder)',
        measured: fmt.ms(task),
        baseline: `${fmt.ms(oneTask)} per one-timer task`,
        ratio: task / oneTask,
        target: `≤ ${TARGET_MS_PER_TASK} ms`,
        pass: task <= TARGET_MS_PER_TASK,
      },
      {
        goal: `${MANY / 1000}k full-ladder replays`,
        measured: many.label,
        baseline: `${manyOneTimers.label} one-timer`,
        ratio: many.ms / manyOneTimers.ms,
        target: `< ${MANY_TARGET_MS / 1000} s`,
        pass: many.complete && many.ms < MANY_TARGET_MS,
      },
    ] satisfies Figure[];
  },
};

/**
 * Milliseconds per replay of `history`, replayed over and over for `seconds` by one replay
 * worker. Timed from the first result, which leaves out the worker's start-up (compiling the
 * bundle in a V8 context, reading its source map) and the first, colder, replay.
 */
async function msPerReplay(bundle: Bundle, history: BenchHistory, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  async function* again() {
    for (let i = 0; i <= MIN_REPLAYS || performance.now() < deadline; i++)
      yield { history: history.history, workflowId: `bench/${history.name}/${i}` };
  }
  const done: number[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, again())) {
    if (result.error) throw result.error;
    done.push(performance.now());
  }
  return (done.at(-1)! - done[0]!) / (done.length - 1);
}

/**
 * Wall time of MANY replays of `history` by one runReplayHistories, each under its own workflow
 * ID, worker start-up included. Past MANY_TARGET_MS it stops, and the time is projected.
 */
async function replayMany(
  bundle: Bundle,
  history: BenchHistory,
): Promise<{ ms: number; complete: boolean; label: string }> {
  const start = performance.now();
  async function* histories() {
    for (let i = 0; i < MANY && performance.now() - start < MANY_TARGET_MS; i++)
      yield { history: history.history, workflowId: `bench/many/${i}` };
  }
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) {
    if (result.error) throw result.error;
    replayed++;
  }
  const elapsed = performance.now() - start;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  if (replayed === MANY) return { ms: elapsed, complete: true, label: seconds(elapsed) };
  const projected = (elapsed / replayed) * MANY;
  return { ms: projected, complete: false, label: `≈ ${seconds(projected)} (${replayed} in ${seconds(elapsed)})` };
}
