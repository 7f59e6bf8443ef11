/**
 * Parses an OpenTelemetry headers variable (`OTEL_EXPORTER_OTLP_HEADERS`): comma-separated
 * `key=value` pairs, each part URL-decoded, names lower-cased. Malformed pairs are skipped and
 * reported in `invalid`, never thrown.
 *
 * @example
 * parseOtlpHeaders("x-tenant=acme,x-note=a%20b"); // { headers: { "x-tenant": "acme", "x-note": "a b" }, invalid: [] }
 */
export function parseOtlpHeaders(value: string | undefined): {
  readonly headers: Record<string, string>;
  readonly invalid: string[];
} {
  const headers: Record<string, string> = {};
  const invalid: string[] = [];
  if (value === undefined) return { headers, invalid };
  for (const pair of value.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      invalid.push(pair);
      continue;
    }
    try {
      const name = decodeURIComponent(pair.slice(0, eq).trim()).toLowerCase();
      const headerValue = decodeURIComponent(pair.slice(eq + 1).trim());
      if (name === "") invalid.push(pair);
      else headers[name] = headerValue;
    } catch {
      invalid.push(pair); // bad percent-encoding
    }
  }
  return { headers, invalid };
}
