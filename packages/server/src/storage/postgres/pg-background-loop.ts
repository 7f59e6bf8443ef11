/** The pause after a failed run (the database is probably unavailable). */
const ERROR_BACKOFF_MILLIS = 5_000;

/**
 * Runs `step` every `intervalMillis`, again at once while it reports work done, never two runs at
 * a time. A failing run (the database is away) pauses the loop for a few seconds and is reported
 * once, not every tick, until a run succeeds again. The timer never keeps the process alive.
 */
export class PgBackgroundLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pausedUntilMs = 0;
  private failing = false;

  constructor(
    /** One unit of work; resolves to how much it did (0: nothing left for now). */
    private readonly step: () => Promise<number>,
    private readonly intervalMillis: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), this.intervalMillis);
    this.timer.unref();
  }

  /** Stops the loop and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private tick(): void {
    if (this.running !== null || Date.now() < this.pausedUntilMs) return;
    this.running = (async () => {
      try {
        while (this.timer !== null && (await this.step()) > 0) {
          // Keep going while there is work; each step is its own short transaction.
        }
        this.failing = false;
      } catch (error) {
        this.pausedUntilMs = Date.now() + ERROR_BACKOFF_MILLIS;
        if (!this.failing) this.onError(error);
        this.failing = true;
      } finally {
        this.running = null;
      }
    })();
  }
}
