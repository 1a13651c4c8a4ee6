/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), wired to our
 * tracing: the client's start and signal calls carry the active span in their headers, the
 * workflow's spans (RunWorkflow, StartActivity) follow them, and the activity's RunActivity span
 * is their child — so an API request, its workflow and the provider call share one trace.
 *
 * The workflow interceptors (telemetry/workflow-interceptors.ts) are bundled only when tracing is on.
 */
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetryWorkflowExporter,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from './tracing';

export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export function tracingActivityInterceptors(): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
}

/**
 * The sink the workflow interceptors hand their finished spans to. Without tracing (a bundle built
 * with tracing, run with it off) the spans are dropped here rather than logged as calls to a
 * missing sink.
 */
export function tracingSinks(tracing: Tracing | null): InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> {
  return {
    exporter: tracing
      ? makeWorkflowExporter(tracing.spanProcessor, tracing.resource)
      : { export: { fn: () => undefined } },
  };
}
