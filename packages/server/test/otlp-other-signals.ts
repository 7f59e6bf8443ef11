// Inputs for OpenTelemetry's logs and metrics serializers, to produce real OTLP logs and metrics
// bodies (the kind a misconfigured exporter sends to the traces endpoint).
import type { JsonLogsSerializer, JsonMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";

type LogRecords = Parameters<typeof JsonLogsSerializer.serializeRequest>[0];
type MetricsRequest = Parameters<typeof JsonMetricsSerializer.serializeRequest>[0];

const resource = resourceFromAttributes({ "service.name": "svc" });

/** Two log records as the OpenTelemetry logs SDK hands them to its exporter. */
export function logsExport(): LogRecords {
  const record = (body: string) => ({
    hrTime: [1_700_000_000, 1] as [number, number],
    hrTimeObserved: [1_700_000_000, 2] as [number, number],
    severityNumber: 9,
    severityText: "INFO",
    body,
    attributes: { "log.attr": "x" },
    droppedAttributesCount: 0,
    resource,
    instrumentationScope: { name: "logger", version: "1.0.0" },
    spanContext: { traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", traceFlags: 1 },
  });
  return [record("first line"), record("second line")] as unknown as LogRecords;
}

/** A gauge and a sum, as the OpenTelemetry metrics SDK hands them to its exporter. */
export function metricsExport(kind: "gauge" | "sum" | "both" = "both"): MetricsRequest {
  const point = { startTime: [1_700_000_000, 0], endTime: [1_700_000_001, 0], value: 42, attributes: { host: "a" } };
  const gauge = {
    descriptor: { name: "cpu.load", description: "load", unit: "1", valueType: 1 },
    dataPointType: 2, // GAUGE
    dataPoints: [point],
    aggregationTemporality: 1,
  };
  const sum = {
    descriptor: { name: "requests", description: "count", unit: "{request}", valueType: 0 },
    dataPointType: 3, // SUM
    isMonotonic: true,
    dataPoints: [point],
    aggregationTemporality: 1,
  };
  const metrics = kind === "gauge" ? [gauge] : kind === "sum" ? [sum] : [gauge, sum];
  return { resource, scopeMetrics: [{ scope: { name: "meter", version: "1.0.0" }, metrics }] } as unknown as MetricsRequest;
}
