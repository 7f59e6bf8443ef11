import { readEnv, parseBooleanEnv } from "./env.js";

/** Log levels, most severe first. `NONE` silences the SDK. */
export const LOG_LEVELS = ["NONE", "ERROR", "WARN", "INFO", "DEBUG"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go. The default writes to `console.error/warn/info/debug`. */
export type LogSink = (level: Exclude<LogLevel, "NONE">, message: string, ...details: unknown[]) => void;

const RANK: Record<LogLevel, number> = { NONE: 0, ERROR: 1, WARN: 2, INFO: 3, DEBUG: 4 };
const PREFIX = "[Sightline SDK]";

const consoleSink: LogSink = (level, message, ...details) => {
  const line = `${new Date().toISOString()} ${PREFIX} [${level}] ${message}`;
  if (level === "ERROR") console.error(line, ...details);
  else if (level === "WARN") console.warn(line, ...details);
  else if (level === "INFO") console.info(line, ...details);
  else console.debug(line, ...details);
};

function levelFromEnv(): LogLevel {
  if (parseBooleanEnv(readEnv("DEBUG")) === true) return "DEBUG";
  const raw = readEnv("LOG_LEVEL")?.toUpperCase();
  if (raw === "WARNING") return "WARN";
  return (LOG_LEVELS as readonly string[]).includes(raw ?? "") ? (raw as LogLevel) : "WARN";
}

/**
 * The one logger of the SDK packages. Export failures, dropped spans and invalid input are
 * reported here, with the prefix `[Sightline SDK]`. The level comes from `SIGHTLINE_LOG_LEVEL`
 * (or `LANGFUSE_LOG_LEVEL`; `SIGHTLINE_DEBUG=true` means DEBUG), read on first use, default WARN.
 *
 * @example
 * configureLogger({ level: "DEBUG" });
 * configureLogger({ sink: (level, msg) => myLogger.log(level, msg) });
 */
export class Logger {
  private level: LogLevel | undefined;
  private sink: LogSink = consoleSink;
  private readonly onceKeys = new Set<string>();

  /** Sets the level and/or the sink. `undefined` leaves a setting as it is. */
  configure(options: { level?: LogLevel; sink?: LogSink }): void {
    if (options.level !== undefined) this.level = options.level;
    if (options.sink !== undefined) this.sink = options.sink;
  }

  /** Restores the defaults (level from the environment on next use, console sink, once-keys forgotten). */
  reset(): void {
    this.level = undefined;
    this.sink = consoleSink;
    this.onceKeys.clear();
  }

  /** The level in force. */
  getLevel(): LogLevel {
    return (this.level ??= levelFromEnv());
  }

  isEnabled(level: Exclude<LogLevel, "NONE">): boolean {
    return RANK[this.getLevel()] >= RANK[level];
  }

  error(message: string, ...details: unknown[]): void {
    this.write("ERROR", message, details);
  }
  warn(message: string, ...details: unknown[]): void {
    this.write("WARN", message, details);
  }
  info(message: string, ...details: unknown[]): void {
    this.write("INFO", message, details);
  }
  debug(message: string, ...details: unknown[]): void {
    this.write("DEBUG", message, details);
  }

  /** Writes a warning only the first time `key` is seen (until `reset`). */
  warnOnce(key: string, message: string, ...details: unknown[]): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.write("WARN", message, details);
  }

  /** Writes an error only the first time `key` is seen (until `reset`). */
  errorOnce(key: string, message: string, ...details: unknown[]): void {
    if (this.onceKeys.has(key)) return;
    this.onceKeys.add(key);
    this.write("ERROR", message, details);
  }

  private write(level: Exclude<LogLevel, "NONE">, message: string, details: unknown[]): void {
    if (!this.isEnabled(level)) return;
    try {
      this.sink(level, message, ...details);
    } catch {
      // A failing sink must never break the application.
    }
  }
}

const LOGGER_SLOT = Symbol.for("sightline.logger");
type LoggerHost = { [LOGGER_SLOT]?: Logger };

/**
 * The process-wide SDK logger. Shared through a global symbol so that two copies of the package
 * (e.g. ESM and a bundled copy) still log through one configuration.
 */
export function getLogger(): Logger {
  const host = globalThis as LoggerHost;
  return (host[LOGGER_SLOT] ??= new Logger());
}

/** Shorthand for `getLogger().configure(options)`. */
export function configureLogger(options: { level?: LogLevel; sink?: LogSink }): void {
  getLogger().configure(options);
}
