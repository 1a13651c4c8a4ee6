/**
 * npm run eval:assistant — the assistant's evaluation set against the configured engine: the
 * OpenAI model when OPENAI_API_KEY is set (OPENAI_MODEL, OPENAI_BASE_URL), else the menu. Prints
 * progress, then accuracy per intent and per language and the guardrail refusals. Exits 1 when a
 * case failed, so it can gate a prompt or model change.
 */
import { assistantEngineFromEnv } from '../activities/assistant/engine-from-env';
import { formatEvaluationReport, runEvaluation } from '../activities/assistant/evaluation';

const engine = assistantEngineFromEnv(process.env);
process.stdout.write(`Evaluating the ${engine.name} engine\n`);
const report = await runEvaluation(engine, {
  onCase: (result, done, total) => {
    process.stdout.write(
      `[${String(done).padStart(3)}/${total}] ${result.passed ? 'pass' : 'FAIL'} ${result.case.id}\n`,
    );
  },
});
process.stdout.write(`\n${formatEvaluationReport(report)}\n`);
process.exitCode = report.overall.passed === report.overall.total ? 0 : 1;
