import { errorMessage } from "@sightline/core";
import type { ServerLogger } from "./http/server-logger.js";
import type { TraceStore } from "./storage/trace-store.js";

/** How often retention runs: every hour. */
export const DEFAULT_RETENTION_INTERVAL_MILLIS = 3_600_000;
/** The first run, shortly after start (not at once: start-up and the first requests go first). */
export const DEFAULT_RETENTION_FIRST_RUN_MILLIS = 30_000;

const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;

/** Options of {@link RetentionScheduler}. */
export interface RetentionSchedulerOptions {
  readonly store: TraceStore;
  /** Days kept for projects without their own setting (`SIGHTLINE_RETENTION_DAYS`); undefined keeps forever. */
  readonly defaultDays: number | undefined;
  readonly logger: ServerLogger;
  readonly intervalMillis?: number;
  readonly firstRunMillis?: number;
  /** The clock (tests). */
  readonly nowMs?: () => number;
}

/**
 * Enforces per-project retention: every hour (first shortly after start) it deletes each project's
 * traces older than its retention (the project's override, else the server default). Runs never
 * overlap (the next one is scheduled when the previous one finished); a failure is logged and the
 * next run tries again; the timer never keeps the process alive, and `stop` ends it.
 */
export class RetentionScheduler {
  private readonly intervalMillis: number;
  private readonly nowMs: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(private readonly options: RetentionSchedulerOptions) {
    this.intervalMillis = options.intervalMillis ?? DEFAULT_RETENTION_INTERVAL_MILLIS;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Schedules the first run. */
  start(): void {
    if (this.stopped) return;
    this.schedule(this.options.firstRunMillis ?? DEFAULT_RETENTION_FIRST_RUN_MILLIS);
  }

  /** True while a next run is scheduled. */
  isScheduled(): boolean {
    return this.timer !== null;
  }

  /**
   * Runs retention now (or joins the run in progress); resolves with the traces deleted. Never
   * rejects: a failure is logged, and the projects after a failing one still run.
   */
  runNow(): Promise<number> {
    this.running ??= this.runAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Cancels the next run and waits for one in progress. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMillis: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runNow().then(() => {
        if (!this.stopped) this.schedule(this.intervalMillis);
      });
    }, delayMillis);
    this.timer.unref();
  }

  private async runAll(): Promise<number> {
    let projects;
    try {
      projects = await this.options.store.listProjectRetention();
    } catch (error) {
      this.options.logger.warn(`Retention could not list projects (it retries next run): ${errorMessage(error)}`);
      return 0;
    }
    let total = 0;
    for (const { projectId, retentionDays } of projects) {
      const days = retentionDays ?? this.options.defaultDays;
      if (days === undefined || this.stopped) continue;
      const cutoffNs = BigInt(Math.floor(this.nowMs() - days * MS_PER_DAY)) * NS_PER_MS;
      try {
        const deleted = await this.options.store.deleteTracesOlderThan(projectId, cutoffNs);
        if (deleted > 0) this.options.logger.info(`Retention deleted ${deleted} traces older than ${days} days from project ${projectId}.`);
        total += deleted;
      } catch (error) {
        this.options.logger.warn(`Retention failed for project ${projectId} (it retries next run): ${errorMessage(error)}`);
      }
    }
    return total;
  }
}
