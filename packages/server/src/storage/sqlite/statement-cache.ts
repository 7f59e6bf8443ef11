import type { Database, Statement } from "better-sqlite3";

/** Statements kept at most; queries are built from a few filter combinations, so this is plenty. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * Prepared statements by SQL text, so queries assembled from optional filters are compiled once
 * per shape and reused (preparing costs tens of microseconds; a trace list takes less than one ms).
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /** The prepared statement for this SQL, compiled on first use. */
  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A WHERE clause assembled from optional filters, with its positional parameters. */
export class Where {
  private readonly clauses: string[] = [];
  /** The parameters, in the order of the `?` placeholders. */
  readonly params: unknown[] = [];

  /** Adds a condition and the values of its placeholders. */
  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** `WHERE a AND b`, or an empty string. */
  toSql(): string {
    return this.clauses.length === 0 ? "" : `WHERE ${this.clauses.join(" AND ")}`;
  }
}

/** Page and limit made safe: whole numbers, at least 1. */
export function normalizePage(request: { page: number; limit: number }): { page: number; limit: number; offset: number } {
  const page = Number.isFinite(request.page) ? Math.max(1, Math.floor(request.page)) : 1;
  const limit = Number.isFinite(request.limit) ? Math.max(1, Math.floor(request.limit)) : 50;
  return { page, limit, offset: (page - 1) * limit };
}

/** Langfuse-style page metadata. */
export function pageMeta(page: number, limit: number, totalItems: number): { page: number; limit: number; totalItems: number; totalPages: number } {
  return { page, limit, totalItems, totalPages: Math.ceil(totalItems / limit) };
}

/** `?, ?, ?` for a list of values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => "?").join(", ");
}
