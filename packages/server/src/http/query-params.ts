import { HttpError } from "./http-error.js";

/** Page size when the request names none (Langfuse's default). */
export const DEFAULT_PAGE_LIMIT = 50;
/** The largest page size (Langfuse's limit). */
export const MAX_PAGE_LIMIT = 100;

function invalid(message: string): HttpError {
  return new HttpError(400, "invalid_query", message);
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/i;

/**
 * Parses an ISO 8601 timestamp to nanoseconds since the epoch, keeping up to nine fractional digits
 * (a `Date` would round to milliseconds). A time needs a zone (`Z` or `+02:00`); a bare date is UTC
 * midnight. Returns undefined for anything else.
 */
export function parseIsoToNanos(text: string): bigint | undefined {
  const m = ISO_RE.exec(text.trim());
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  const base = hour === undefined ? `${year}-${month}-${day}T00:00:00Z` : `${year}-${month}-${day}T${hour}:${minute}:${second ?? "00"}${normalizeZone(zone ?? "Z")}`;
  const ms = Date.parse(base);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse accepts day 31 of a 30-day month by rolling over; refuse what does not round-trip.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day)) return undefined;
  const fractionNs = fraction === undefined ? 0n : BigInt(fraction.padEnd(9, "0"));
  return BigInt(ms) * 1_000_000n + fractionNs;
}

function normalizeZone(zone: string): string {
  if (zone.toUpperCase() === "Z") return "Z";
  const digits = zone.replace(":", "");
  return `${digits.slice(0, 3)}:${digits.slice(3, 5) || "00"}`;
}

/**
 * A text value as given, refused when it holds a NUL character: no stored text has one (PostgreSQL
 * text cannot), and a store would fail on it rather than find nothing.
 */
export function withoutNul(name: string, value: string): string {
  if (value.includes("\u0000")) throw invalid(nulMessage(name, value));
  return value;
}

function nulMessage(name: string, value: string): string {
  return `${name} must not contain a NUL character (\\u0000), got ${JSON.stringify(value)}.`;
}

/**
 * A path parameter as given (decoded), refused with a 400 `invalid_path` when it holds a NUL
 * character, for the reason `withoutNul` gives; a missing one is "".
 */
export function pathParam(c: { req: { param(name: string): string | undefined } }, name: string): string {
  const value = c.req.param(name) ?? "";
  if (value.includes("\u0000")) throw new HttpError(400, "invalid_path", nulMessage(name, value));
  return value;
}

/**
 * Typed, validated access to a request's query string. Every accessor throws a 400 `invalid_query`
 * that names the parameter, the value and what was expected; absent or empty parameters are undefined.
 */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  /** From a full request URL. */
  static fromUrl(url: string): QueryParams {
    return new QueryParams(new URL(url).searchParams);
  }

  /** The first non-empty value of a parameter. */
  string(name: string): string | undefined {
    for (const value of this.params.getAll(name)) if (value.trim() !== "") return withoutNul(name, value.trim());
    return undefined;
  }

  /** Every non-empty value of a repeatable parameter (`tags=a&tags=b`); undefined when none. */
  strings(name: string): string[] | undefined {
    const values = this.params
      .getAll(name)
      .map((v) => withoutNul(name, v.trim()))
      .filter((v) => v !== "");
    return values.length === 0 ? undefined : values;
  }

  /** An integer within `[min, max]`. */
  integer(name: string, range: { min: number; max: number }): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
      const upper = range.max === Number.MAX_SAFE_INTEGER ? "" : ` to ${range.max}`;
      throw invalid(`${name} must be an integer from ${range.min}${upper}, got ${JSON.stringify(raw)}.`);
    }
    return value;
  }

  /** `page` (1-based, default 1) and `limit` (1 to 100, default 50). */
  paging(): { page: number; limit: number } {
    return {
      page: this.integer("page", { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1,
      limit: this.integer("limit", { min: 1, max: MAX_PAGE_LIMIT }) ?? DEFAULT_PAGE_LIMIT,
    };
  }

  /** An ISO 8601 timestamp, as nanoseconds since the epoch. */
  timestampNs(name: string): bigint | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const ns = parseIsoToNanos(raw);
    if (ns === undefined) {
      throw invalid(`${name} must be an ISO 8601 timestamp such as 2024-05-01T12:00:00.000Z, got ${JSON.stringify(raw)}.`);
    }
    return ns;
  }

  /** One of `allowed`, compared case-insensitively and returned as spelled in `allowed`. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const found = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
    if (found === undefined) throw invalid(`${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(raw)}.`);
    return found;
  }

  /** `orderBy=field.asc|desc` (direction defaults to desc), the field one of `fields`. */
  orderBy<F extends string>(fields: readonly F[]): { field: F; direction: "asc" | "desc" } | undefined {
    const raw = this.string("orderBy");
    if (raw === undefined) return undefined;
    const dot = raw.lastIndexOf(".");
    const fieldName = dot === -1 ? raw : raw.slice(0, dot);
    const direction = dot === -1 ? "desc" : raw.slice(dot + 1).toLowerCase();
    const field = fields.find((f) => f === fieldName);
    if (field === undefined) {
      throw invalid(`orderBy field ${JSON.stringify(fieldName)} is not supported; use one of ${fields.join(", ")} (e.g. timestamp.desc).`);
    }
    if (direction !== "asc" && direction !== "desc") {
      throw invalid(`orderBy direction must be asc or desc, got ${JSON.stringify(raw.slice(dot + 1))}.`);
    }
    return { field, direction };
  }

  /** Throws when `from` is after `to`. */
  static checkRange(fromName: string, from: bigint | undefined, toName: string, to: bigint | undefined): void {
    if (from !== undefined && to !== undefined && from > to) throw invalid(`${fromName} is after ${toName}.`);
  }
}
