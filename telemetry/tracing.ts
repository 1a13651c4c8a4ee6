/**
 * Traces, off unless the standard OpenTelemetry variables ask for them (README, "Tracing"):
 * `OTEL_TRACES_EXPORTER=otlp` (or `console`) turns them on; `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*` are read by the OpenTelemetry SDK
 * itself. Off means no tracer provider at all: the API and the worker then add no interceptor
 * and no span is made.
 *
 * One provider per process, registered globally (the Temporal client interceptor, the activity
 * interceptor and the Fastify instrumentation all take their tracer from it); the workflow
 * sandbox makes its spans itself and hands them out through a sink to the same processor.
 * Outgoing `fetch` calls made inside a trace (Resend, OpenAI) are spans of their own: the provider
 * call is a child of the deliver activity's span. Node's http module is not instrumented, so
 * Twilio's SDK (axios) and the webhook POST (activities/webhooks/http-post.ts, on node:http to
 * check the address at connect time) have no span of their own: the `deliverWebhook` activity's
 * span is the try.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource, envDetectorSync } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  readonly provider: NodeTracerProvider;
  /** Where the workflow sandbox's spans go too (worker.ts's `exporter` sink). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

export class TracingConfigError extends Error {
  override readonly name = 'TracingConfigError';
}

const EXPORTERS: Record<string, () => SpanExporter> = {
  otlp: () => new OTLPTraceExporter(),
  console: () => new ConsoleSpanExporter(),
};

/**
 * The exporters OTEL_TRACES_EXPORTER names (comma-separated, as the specification allows); none
 * when it is unset, `none`, or OTEL_SDK_DISABLED is true. Throws naming the variable for a value
 * we do not ship.
 */
export function traceExportersFromEnv(env: NodeJS.ProcessEnv): SpanExporter[] {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return [];
  const names = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name && name !== 'none');
  return names.map((name) => {
    const make = EXPORTERS[name];
    if (!make) throw new TracingConfigError(`OTEL_TRACES_EXPORTER: "${name}" is not one of otlp, console, none`);
    return make();
  });
}

/** Tracing as the environment configures it, started and registered; null when it is off. */
export function tracingFromEnv(env: NodeJS.ProcessEnv, serviceName: string): Tracing | null {
  const exporters = traceExportersFromEnv(env);
  if (exporters.length === 0) return null;
  return startTracing({ serviceName, spanProcessors: exporters.map((e) => new BatchSpanProcessor(e)) });
}

/**
 * A provider over `spanProcessors` (tests give a SimpleSpanProcessor over an in-memory exporter),
 * registered as the process's global provider with the W3C trace-context propagator and the
 * AsyncLocalStorage context manager (a span follows its request across awaits).
 */
export function startTracing(options: { serviceName: string; spanProcessors: SpanProcessor[] }): Tracing {
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the process's own name.
  const resource = new Resource({ 'service.name': options.serviceName }).merge(envDetectorSync.detect());
  const provider = new NodeTracerProvider({ resource, spanProcessors: options.spanProcessors });
  provider.register();
  const outgoing = outgoingFetchSpans();
  outgoing.setTracerProvider(provider);
  return {
    provider,
    spanProcessor: provider.activeSpanProcessor,
    resource: provider.resource,
    async shutdown() {
      outgoing.disable();
      await provider.shutdown();
    },
  };
}

/**
 * Spans for `fetch` calls inside a trace only (a scrape's or a background call's would be roots of
 * their own), with the URL without its query: a provider's may hold a token.
 */
function outgoingFetchSpans(): UndiciInstrumentation {
  return new UndiciInstrumentation({
    requireParentforSpans: true,
    requestHook: (span, request) => {
      span.setAttribute('url.full', `${request.origin}${request.path.split('?')[0]}`);
      span.setAttribute('url.query', '');
    },
  });
}
