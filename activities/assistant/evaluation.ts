/**
 * Runs the evaluation set through an engine, the way a conversation would: a STOP never reaches
 * the assistant (the conversation opts the buyer out), everything else is one runAssistantTurn on a
 * fresh ledger. Scores each case against its expected outcome, per intent and per language.
 */
import type { AssistantEngine } from '../../domain/assistant/engine';
import { evaluationContext, evaluationTools } from '../../domain/assistant/evaluation-ledger';
import {
  EVALUATION_CASES,
  EVALUATION_INTENTS,
  type EvaluationCase,
  type EvaluationIntent,
} from '../../domain/assistant/evaluation-set';
import type { ToolCallRecord } from '../../domain/assistant/tools';
import type { AssistantTurnResult } from '../../domain/conversation';
import { classifyInbound } from '../../domain/keywords';
import { SUPPORTED_LOCALES, type Locale } from '../../domain/locales';
import { runAssistantTurn } from './turn';

export interface CaseResult {
  case: EvaluationCase;
  passed: boolean;
  /** Null for an opt-out (no turn ran). */
  turn: AssistantTurnResult | null;
}

export interface Score {
  passed: number;
  total: number;
}

export interface EvaluationReport {
  engine: AssistantEngine['name'];
  results: CaseResult[];
  overall: Score;
  byIntent: Record<EvaluationIntent, Score>;
  byLocale: Record<Locale, Score>;
  /** Model replies a guardrail replaced, by case. */
  refusals: { caseId: string; guardrail: string }[];
}

function changedSomething(call: ToolCallRecord): boolean {
  return (
    (call.tool === 'request_new_due_date' && call.result.outcome === 'changed') ||
    (call.tool === 'partial_payment' && call.result.outcome === 'checkout')
  );
}

/** Whether a turn (null: opted out) did what the case expects. */
export function meetsExpectation(c: EvaluationCase, turn: AssistantTurnResult | null): boolean {
  if (c.expect === 'opt_out') return turn === null;
  if (turn === null) return false;
  const calls = turn.toolCalls;
  switch (c.expect) {
    case 'no_opt_out':
      return true;
    case 'no_action':
      return !calls.some((call) => ['request_new_due_date', 'partial_payment', 'handoff_to_human'].includes(call.tool));
    case 'no_payment_change':
      return !calls.some(changedSomething);
    case 'no_promise':
      return !calls.some((call) => call.tool === 'promise_to_pay' && call.result.outcome === 'promised');
    default:
      return calls.some((call) => call.tool === c.expect && argumentsMatch(c, call));
  }
}

/** The call's date and amount are the case's (a promise naming no amount: null). */
function argumentsMatch(c: EvaluationCase, call: ToolCallRecord): boolean {
  switch (call.tool) {
    case 'request_new_due_date':
      return c.dueDate === undefined || call.arguments.dueDate === c.dueDate;
    case 'partial_payment':
      return c.amount === undefined || call.arguments.amount === c.amount;
    case 'promise_to_pay':
      return call.arguments.date === c.promiseDate && call.arguments.amount === (c.amount ?? null);
    default:
      return true;
  }
}

export async function runEvaluationCase(engine: AssistantEngine, c: EvaluationCase): Promise<CaseResult> {
  if (classifyInbound(c.message).kind === 'stop') return { case: c, passed: meetsExpectation(c, null), turn: null };
  const turn = await runAssistantTurn({
    engine,
    context: evaluationContext(c.locale),
    history: [],
    message: c.message,
    tools: evaluationTools(c.locale),
  });
  return { case: c, passed: meetsExpectation(c, turn), turn };
}

const emptyScores = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, { passed: 0, total: 0 }])) as Record<K, Score>;

/** Runs every case in order (they share nothing, but a model's rate limit prefers one at a time). */
export async function runEvaluation(
  engine: AssistantEngine,
  options: {
    cases?: readonly EvaluationCase[];
    onCase?: (result: CaseResult, done: number, total: number) => void;
  } = {},
): Promise<EvaluationReport> {
  const cases = options.cases ?? EVALUATION_CASES;
  const report: EvaluationReport = {
    engine: engine.name,
    results: [],
    overall: { passed: 0, total: 0 },
    byIntent: emptyScores(EVALUATION_INTENTS),
    byLocale: emptyScores(SUPPORTED_LOCALES),
    refusals: [],
  };
  for (const c of cases) {
    const result = await runEvaluationCase(engine, c);
    report.results.push(result);
    for (const score of [report.overall, report.byIntent[c.intent], report.byLocale[c.locale]]) {
      score.total++;
      if (result.passed) score.passed++;
    }
    if (result.turn?.guardrail) report.refusals.push({ caseId: c.id, guardrail: result.turn.guardrail });
    options.onCase?.(result, report.results.length, cases.length);
  }
  return report;
}

const percent = ({ passed, total }: Score) =>
  total === 0 ? '   -' : `${Math.round((100 * passed) / total)}%`.padStart(4);

/** The report as a few aligned lines: overall, per intent, per language, failures, refusals. */
export function formatEvaluationReport(report: EvaluationReport): string {
  const line = (label: string, score: Score) =>
    `  ${label.padEnd(18)} ${percent(score)}  (${score.passed}/${score.total})`;
  return [
    `engine: ${report.engine}`,
    line('overall', report.overall),
    'by intent:',
    ...EVALUATION_INTENTS.map((intent) => line(intent, report.byIntent[intent])),
    'by language:',
    ...SUPPORTED_LOCALES.map((locale) => line(locale, report.byLocale[locale])),
    `failed: ${
      report.results
        .filter((r) => !r.passed)
        .map((r) => r.case.id)
        .join(', ') || 'none'
    }`,
    `guardrail refusals: ${report.refusals.map((r) => `${r.caseId} (${r.guardrail})`).join(', ') || 'none'}`,
  ].join('\n');
}
