/**
 * Reads a configuration variable, preferring the `SIGHTLINE_` name and falling back to the
 * `LANGFUSE_` name, so existing Langfuse setups work unchanged. Empty strings count as unset.
 * Reads the environment when called, never at import.
 *
 * @example
 * readEnv("PUBLIC_KEY"); // SIGHTLINE_PUBLIC_KEY ?? LANGFUSE_PUBLIC_KEY
 */
export function readEnv(
  suffix: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  for (const prefix of ENV_PREFIXES) {
    const value = env[prefix + suffix];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** The prefixes `readEnv` tries, in order. */
export const ENV_PREFIXES = ["SIGHTLINE_", "LANGFUSE_"] as const;

/** Parses a boolean variable: `true/1/yes/on` and `false/0/no/off`, any case. Others give undefined. */
export function parseBooleanEnv(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "0" || v === "no" || v === "off") return false;
  return undefined;
}

/** Parses a finite number, or gives undefined (never NaN). */
export function parseNumberEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
