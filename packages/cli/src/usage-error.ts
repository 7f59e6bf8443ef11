/** Bad command-line usage: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to point at, e.g. `keys`. */
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** Parses a `--port`-style integer flag, or throws a {@link UsageError}. */
export function integerFlag(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(`--${name} must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(value)}.`);
  }
  return n;
}
