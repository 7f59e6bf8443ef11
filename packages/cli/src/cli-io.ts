/** Where a command writes and what it reads: the process in `main.ts`, a capture in tests. */
export interface CliIo {
  /** Writes a line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** The environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Resolves when the process is asked to stop (SIGINT/SIGTERM); `sightline serve` waits on it.
   * The second signal of the same run exits at once.
   */
  untilStopSignal(): Promise<string>;
}

/** Exit codes: 0 success, 1 failure while running, 2 bad usage or configuration. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

/** The real process: stdout, stderr, `process.env`, SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    env: process.env,
    untilStopSignal: () =>
      new Promise((resolve) => {
        let received = false;
        const onSignal = (signal: string): void => {
          if (received) {
            process.stderr.write(`Received ${signal} again: exiting now.\n`);
            process.exit(130);
          }
          received = true;
          resolve(signal);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      }),
  };
}
