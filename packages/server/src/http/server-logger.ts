/** Where the server writes what operators should see. Anything shaped like `console` works. */
export interface ServerLogger {
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** The default logger: timestamped lines on stderr, prefixed `[sightline]`. */
export const consoleServerLogger: ServerLogger = {
  info: (message, ...details) => console.error(`${new Date().toISOString()} [sightline] ${message}`, ...details),
  warn: (message, ...details) => console.error(`${new Date().toISOString()} [sightline] WARN ${message}`, ...details),
  error: (message, ...details) => console.error(`${new Date().toISOString()} [sightline] ERROR ${message}`, ...details),
};

/** A logger that discards everything (tests, embedding). */
export const silentServerLogger: ServerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
