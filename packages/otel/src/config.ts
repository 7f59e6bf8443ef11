import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ENV_PREFIXES, parseBooleanEnv, parseNumberEnv } from "@sightline/core";
import {
  DEFAULT_BASE_URL,
  DEFAULT_FLUSH_AT,
  DEFAULT_FLUSH_INTERVAL_MILLIS,
  DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
  DEFAULT_MAX_QUEUE_SIZE,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_INITIAL_DELAY_MILLIS,
  DEFAULT_RETRY_MAX_DELAY_MILLIS,
  DEFAULT_TIMEOUT_MILLIS,
  OTLP_TRACES_PATH,
} from "./config-defaults.js";
import { parseOtlpHeaders } from "./env-headers.js";
import type { OnDrop, OnExportError } from "./hooks.js";
import type { MaskFunction } from "./masking.js";
import type { Compression, ExportMode, SightlineSpanProcessorOptions } from "./options.js";
import type { ShouldExportSpan } from "./span-filters.js";

/** The configuration after precedence, parsing and validation. */
export interface ResolvedConfig {
  readonly enabled: boolean;
  readonly publicKey: string | undefined;
  readonly secretKey: string | undefined;
  /** Without trailing slashes. */
  readonly baseUrl: string;
  /** `${baseUrl}/api/public/otel/v1/traces`. */
  readonly endpoint: string;
  readonly exportMode: ExportMode;
  readonly flushAt: number;
  readonly flushIntervalMillis: number;
  readonly maxQueueSize: number;
  readonly timeoutMillis: number;
  readonly maxRetries: number;
  readonly retryInitialDelayMillis: number;
  readonly retryMaxDelayMillis: number;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, then `..._TRACES_HEADERS`, then `additionalHeaders`; lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: Compression;
  readonly environment: string | undefined;
  readonly release: string | undefined;
  readonly sampleRate: number;
  readonly maxAttributeValueLength: number;
  readonly mask: MaskFunction | undefined;
  readonly shouldExportSpan: ShouldExportSpan | undefined;
  readonly onError: OnExportError | undefined;
  readonly onDrop: OnDrop | undefined;
  readonly exporter: SpanExporter | undefined;
  readonly flushOnExit: boolean;
}

/** The result of {@link resolveConfig}: the configuration and one message per problem found. */
export interface ConfigResolution {
  readonly config: ResolvedConfig;
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** A place a value can come from, highest precedence first. `scale` converts it to the option's unit. */
interface Source {
  readonly name: string;
  readonly raw: unknown;
  readonly fromEnv: boolean;
  readonly scale?: number;
}

const ENVIRONMENT_RE = /^(?!langfuse)[a-z0-9_-]{1,40}$/;

function optionSource(name: string, raw: unknown, scale?: number): Source {
  return { name: `option "${name}"`, raw, fromEnv: false, scale };
}

function envSource(env: Env, name: string, scale?: number): Source {
  return { name, raw: env[name], fromEnv: true, scale };
}

/** `SIGHTLINE_<suffix>` then `LANGFUSE_<suffix>`. */
function prefixedEnvSources(env: Env, suffix: string): Source[] {
  return ENV_PREFIXES.map((prefix) => envSource(env, prefix + suffix));
}

function firstSet(sources: readonly Source[]): Source | undefined {
  return sources.find((s) => s.raw !== undefined && s.raw !== null && !(s.fromEnv && s.raw === ""));
}

function describe(raw: unknown): string {
  return typeof raw === "string" ? JSON.stringify(raw) : typeof raw === "function" ? "a function" : String(raw);
}

class Resolver {
  readonly warnings: string[] = [];

  constructor(private readonly env: Env) {}

  /** One warning per invalid value; `fallback` says what is used instead (the option's default, or nothing). */
  warn(source: Source, expected: string, fallback: { readonly option: string; readonly value: unknown } | undefined): void {
    const instead =
      fallback === undefined ? "ignored" : `using the default ${fallback.option}=${describe(fallback.value)}`;
    this.warnings.push(`Invalid ${source.name}: ${describe(source.raw)} (expected ${expected}); ${instead}.`);
  }

  number(
    option: string,
    sources: readonly Source[],
    fallback: number,
    check: { min: number; max?: number; integer?: boolean; minExclusive?: boolean },
  ): number {
    const source = firstSet(sources);
    if (source === undefined) return fallback;
    const parsed = source.fromEnv
      ? parseNumberEnv(String(source.raw))
      : typeof source.raw === "number"
        ? source.raw
        : undefined;
    const value = parsed === undefined ? undefined : parsed * (source.scale ?? 1);
    const ok =
      value !== undefined &&
      Number.isFinite(value) &&
      (check.minExclusive === true ? value > check.min : value >= check.min) &&
      (check.max === undefined || value <= check.max) &&
      (check.integer !== true || Number.isInteger(value));
    if (ok) return value;
    const unit = source.scale === 1000 ? " seconds" : "";
    const kind = check.integer === true ? "an integer" : "a number";
    const lower = `${check.minExclusive === true ? ">" : ">="} ${check.min}`;
    const upper = check.max === undefined ? "" : ` and <= ${check.max}`;
    const range = `${kind} ${lower}${upper}${unit}`;
    this.warn(source, range, { option, value: fallback });
    return fallback;
  }

  boolean(option: string, sources: readonly Source[], fallback: boolean): boolean {
    const source = firstSet(sources);
    if (source === undefined) return fallback;
    const value = source.fromEnv
      ? parseBooleanEnv(String(source.raw))
      : typeof source.raw === "boolean"
        ? source.raw
        : undefined;
    if (value !== undefined) return value;
    this.warn(source, source.fromEnv ? "true/false/1/0/yes/no/on/off" : "a boolean", { option, value: fallback });
    return fallback;
  }

  string(sources: readonly Source[]): string | undefined {
    const source = firstSet(sources);
    if (source === undefined) return undefined;
    if (typeof source.raw === "string") return source.raw;
    this.warn(source, "a string", undefined);
    return undefined;
  }

  choice<T extends string>(option: string, sources: readonly Source[], allowed: readonly T[], fallback: T): T {
    const source = firstSet(sources);
    if (source === undefined) return fallback;
    const value = typeof source.raw === "string" ? source.raw.trim().toLowerCase() : undefined;
    const match = allowed.find((a) => a === value);
    if (match !== undefined) return match;
    this.warn(source, allowed.map((a) => JSON.stringify(a)).join(" or "), { option, value: fallback });
    return fallback;
  }

  func<F>(name: string, raw: unknown): F | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === "function") return raw as F;
    this.warn(optionSource(name, raw), "a function", undefined);
    return undefined;
  }

  baseUrl(sources: readonly Source[]): string {
    const source = firstSet(sources);
    if (source === undefined) return DEFAULT_BASE_URL;
    if (typeof source.raw === "string") {
      const trimmed = source.raw.trim().replace(/\/+$/, "");
      try {
        const url = new URL(trimmed);
        if ((url.protocol === "http:" || url.protocol === "https:") && url.search === "" && url.hash === "") {
          return trimmed;
        }
      } catch {
        // reported below
      }
    }
    this.warn(source, "an http(s) URL without query or fragment", { option: "baseUrl", value: DEFAULT_BASE_URL });
    return DEFAULT_BASE_URL;
  }

  headers(raw: unknown): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const name of ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"]) {
      const parsed = parseOtlpHeaders(this.env[name]);
      Object.assign(merged, parsed.headers);
      if (parsed.invalid.length > 0) {
        const entries = parsed.invalid.map(describe).join(", ");
        this.warnings.push(`Ignored malformed entries in ${name}: ${entries} (expected key=value).`);
      }
    }
    if (raw === undefined || raw === null) return merged;
    if (typeof raw !== "object" || Array.isArray(raw)) {
      this.warn(optionSource("additionalHeaders", raw), "an object of header names to strings", undefined);
      return merged;
    }
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value === "string") merged[name.toLowerCase()] = value;
      else this.warnings.push(`Ignored additionalHeaders[${JSON.stringify(name)}]: ${describe(value)} is not a string.`);
    }
    return merged;
  }
}

/**
 * Resolves processor options: an explicit option wins over `SIGHTLINE_*` environment variables,
 * which win over `LANGFUSE_*` ones, which win over the named defaults. Pure: it reads only `env`
 * and never throws or logs; every invalid value yields the default plus a message in `warnings`.
 *
 * @example
 * const { config, warnings } = resolveConfig({ flushAt: 100 }, process.env);
 */
export function resolveConfig(input: SightlineSpanProcessorOptions = {}, env: Env = process.env): ConfigResolution {
  const r = new Resolver(env);
  let o: SightlineSpanProcessorOptions = input ?? {};
  if (typeof o !== "object") {
    r.warnings.push(`Invalid options: ${describe(o)} (expected an object); using the defaults.`);
    o = {};
  }

  const enabled = r.boolean(
    "enabled",
    [optionSource("enabled", o.enabled), ...prefixedEnvSources(env, "TRACING_ENABLED")],
    true,
  );
  const publicKey = r.string([optionSource("publicKey", o.publicKey), ...prefixedEnvSources(env, "PUBLIC_KEY")]);
  const secretKey = r.string([optionSource("secretKey", o.secretKey), ...prefixedEnvSources(env, "SECRET_KEY")]);
  const baseUrl = r.baseUrl([
    optionSource("baseUrl", o.baseUrl),
    ...prefixedEnvSources(env, "BASE_URL"),
    envSource(env, "LANGFUSE_BASEURL"),
  ]);
  const exportMode = r.choice<ExportMode>(
    "exportMode",
    [optionSource("exportMode", o.exportMode), ...prefixedEnvSources(env, "EXPORT_MODE")],
    ["batched", "immediate"],
    "batched",
  );
  const maxQueueSize = r.number(
    "maxQueueSize",
    [optionSource("maxQueueSize", o.maxQueueSize), ...prefixedEnvSources(env, "MAX_QUEUE_SIZE")],
    DEFAULT_MAX_QUEUE_SIZE,
    { min: 1, integer: true },
  );
  let flushAt = r.number(
    "flushAt",
    [optionSource("flushAt", o.flushAt), ...prefixedEnvSources(env, "FLUSH_AT")],
    DEFAULT_FLUSH_AT,
    { min: 1, integer: true },
  );
  if (flushAt > maxQueueSize) {
    r.warnings.push(`flushAt (${flushAt}) is larger than maxQueueSize (${maxQueueSize}); using ${maxQueueSize}.`);
    flushAt = maxQueueSize;
  }
  const flushIntervalMillis = r.number(
    "flushIntervalMillis",
    [
      optionSource("flushIntervalMillis", o.flushIntervalMillis),
      optionSource("flushInterval", o.flushInterval, 1000),
      envSource(env, "SIGHTLINE_FLUSH_INTERVAL_MILLIS"),
      envSource(env, "LANGFUSE_FLUSH_INTERVAL", 1000),
    ],
    DEFAULT_FLUSH_INTERVAL_MILLIS,
    { min: 0 },
  );
  const timeoutMillis = r.number(
    "timeoutMillis",
    [
      optionSource("timeoutMillis", o.timeoutMillis),
      optionSource("timeout", o.timeout, 1000),
      envSource(env, "SIGHTLINE_TIMEOUT_MILLIS"),
      envSource(env, "LANGFUSE_TIMEOUT", 1000),
    ],
    DEFAULT_TIMEOUT_MILLIS,
    { min: 0, minExclusive: true },
  );
  const maxRetries = r.number(
    "maxRetries",
    [optionSource("maxRetries", o.maxRetries), ...prefixedEnvSources(env, "MAX_RETRIES")],
    DEFAULT_MAX_RETRIES,
    { min: 0, integer: true },
  );
  const retryInitialDelayMillis = r.number(
    "retryInitialDelayMillis",
    [optionSource("retryInitialDelayMillis", o.retryInitialDelayMillis)],
    DEFAULT_RETRY_INITIAL_DELAY_MILLIS,
    { min: 0 },
  );
  const retryMaxDelayMillis = r.number(
    "retryMaxDelayMillis",
    [optionSource("retryMaxDelayMillis", o.retryMaxDelayMillis)],
    DEFAULT_RETRY_MAX_DELAY_MILLIS,
    { min: 0 },
  );
  const compression = r.choice<Compression>(
    "compression",
    [
      optionSource("compression", o.compression),
      ...prefixedEnvSources(env, "EXPORT_COMPRESSION"),
      envSource(env, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"),
      envSource(env, "OTEL_EXPORTER_OTLP_COMPRESSION"),
    ],
    ["gzip", "none"],
    "none",
  );
  let environment = r.string([optionSource("environment", o.environment), ...prefixedEnvSources(env, "TRACING_ENVIRONMENT")]);
  if (environment !== undefined && !ENVIRONMENT_RE.test(environment)) {
    r.warnings.push(
      `Invalid environment ${JSON.stringify(environment)} (expected 1-40 of [a-z0-9_-], not starting with ` +
        `"langfuse"); spans get no default environment.`,
    );
    environment = undefined;
  }
  const release = r.string([optionSource("release", o.release), ...prefixedEnvSources(env, "RELEASE")]);
  const sampleRate = r.number(
    "sampleRate",
    [optionSource("sampleRate", o.sampleRate), ...prefixedEnvSources(env, "SAMPLE_RATE")],
    1,
    { min: 0, max: 1 },
  );
  const maxAttributeValueLength = r.number(
    "maxAttributeValueLength",
    [
      optionSource("maxAttributeValueLength", o.maxAttributeValueLength),
      ...prefixedEnvSources(env, "MAX_ATTRIBUTE_VALUE_LENGTH"),
    ],
    DEFAULT_MAX_ATTRIBUTE_VALUE_LENGTH,
    { min: 1, integer: true },
  );
  const headers = r.headers(o.additionalHeaders);
  const flushOnExit = r.boolean("flushOnExit", [optionSource("flushOnExit", o.flushOnExit)], true);
  let exporter: SpanExporter | undefined;
  if (o.exporter !== undefined && o.exporter !== null) {
    if (typeof (o.exporter as Partial<SpanExporter>).export === "function") exporter = o.exporter;
    else r.warn(optionSource("exporter", o.exporter), "a SpanExporter with an export() method", undefined);
  }

  if (enabled && exporter === undefined && (publicKey === undefined || secretKey === undefined)) {
    const missing = [publicKey === undefined ? "publicKey" : undefined, secretKey === undefined ? "secretKey" : undefined]
      .filter((name) => name !== undefined)
      .join(" and ");
    r.warnings.push(
      `No ${missing} configured (options publicKey/secretKey, or SIGHTLINE_PUBLIC_KEY/SIGHTLINE_SECRET_KEY, or ` +
        `LANGFUSE_PUBLIC_KEY/LANGFUSE_SECRET_KEY): exports will fail with 401.`,
    );
  }

  const config: ResolvedConfig = {
    enabled,
    publicKey,
    secretKey,
    baseUrl,
    endpoint: baseUrl + OTLP_TRACES_PATH,
    exportMode,
    flushAt,
    flushIntervalMillis,
    maxQueueSize,
    timeoutMillis,
    maxRetries,
    retryInitialDelayMillis,
    retryMaxDelayMillis,
    headers,
    compression,
    environment,
    release,
    sampleRate,
    maxAttributeValueLength,
    mask: r.func<MaskFunction>("mask", o.mask),
    shouldExportSpan: r.func<ShouldExportSpan>("shouldExportSpan", o.shouldExportSpan),
    onError: r.func<OnExportError>("onError", o.onError),
    onDrop: r.func<OnDrop>("onDrop", o.onDrop),
    exporter,
    flushOnExit,
  };
  return { config, warnings: r.warnings };
}
