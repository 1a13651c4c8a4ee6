/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), wired to our
 * tracing: the client's start and signal calls carry the active span in their headers, the
 * workflow's spans (RunWorkflow, StartActivity) follow them, and the activity's RunActivity span
 * is their child — so an API request, its workflow and the provider call share one trace.
 *
 * The workflow interceptors only add spans and Temporal headers (no command, no yield on histories
 * from SDK 1.13.2 on: see the SDK's flags), and are bundled only when tracing is on.
 */
import { createRequire } from 'node:module';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Tracing } from './tracing';

/** The module a workflow bundle includes for tracing (`workflowInterceptorModules`). */
export const TRACING_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export function tracingActivityInterceptors(): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
}

/** The sink the workflow interceptors hand their finished spans to. */
export function tracingSinks(tracing: Tracing) {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}
