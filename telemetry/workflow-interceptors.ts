/**
 * The workflow side of tracing: Temporal's OpenTelemetry workflow interceptors, as a module a
 * bundle includes (`workflowInterceptorModules`) when tracing is on. They add spans and Temporal
 * headers only — no command, and no extra yield on histories written by SDK 1.13.2 or later (the
 * SDK's flags) — so the checked-in histories replay with them (test/replay/tracing-interceptors).
 * Kept apart from temporal-tracing.ts so that bundling does not load the OpenTelemetry SDK.
 */
import { createRequire } from 'node:module';

export const TRACING_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);
