/**
 * Tracing is off unless OTEL_TRACES_EXPORTER asks for it, as the README promises: no provider, no
 * exporter. A value we do not ship is an error naming the variable, not silence.
 */
import { describe, expect, it } from 'vitest';
import { traceExportersFromEnv, tracingFromEnv } from '../../telemetry/tracing';

describe('tracing from the environment', () => {
  it('is off when OTEL_TRACES_EXPORTER is unset, blank or none, or the SDK is disabled', () => {
    expect(tracingFromEnv({}, 'dunning-test')).toBeNull();
    expect(tracingFromEnv({ OTEL_TRACES_EXPORTER: '' }, 'dunning-test')).toBeNull();
    expect(tracingFromEnv({ OTEL_TRACES_EXPORTER: 'none' }, 'dunning-test')).toBeNull();
    expect(tracingFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, 'dunning-test')).toBeNull();
  });

  it('exports with OTLP or to the console, as many as are named', () => {
    const exporters = traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp, console' });
    expect(exporters.map((e) => e.constructor.name)).toEqual(['OTLPTraceExporter', 'ConsoleSpanExporter']);
  });

  it('refuses an exporter it does not ship, naming the variable', () => {
    expect(() => traceExportersFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER.*zipkin/);
  });
});
