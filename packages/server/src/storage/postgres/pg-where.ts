/** Builds a WHERE clause with numbered (`$n`) parameters. */
export class PgWhere {
  private readonly conditions: string[] = [];
  /** The parameters, in `$n` order. */
  readonly params: unknown[] = [];

  /** Adds a parameter and returns its placeholder (`$n`). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds a condition; `?` marks are replaced by the values' placeholders, in order. */
  add(condition: string, ...values: unknown[]): this {
    let i = 0;
    this.conditions.push(condition.replace(/\?/gu, () => this.param(values[i++])));
    return this;
  }

  /** `WHERE a AND b`, or an empty string. */
  toSql(): string {
    return this.conditions.length === 0 ? "" : `WHERE ${this.conditions.join(" AND ")}`;
  }
}

/** Page number, limit and offset of a request, clamped to sane values (1-based pages, 1..10,000 items). */
export function pgPage(query: { page: number; limit: number }): { page: number; limit: number; offset: number } {
  const limit = Math.min(10_000, Math.max(1, Math.trunc(Number.isFinite(query.limit) ? query.limit : 50)));
  const page = Math.max(1, Math.trunc(Number.isFinite(query.page) ? query.page : 1));
  return { page, limit, offset: (page - 1) * limit };
}

/** Langfuse-style page metadata. */
export function pgPageMeta(page: number, limit: number, totalItems: number): { page: number; limit: number; totalItems: number; totalPages: number } {
  return { page, limit, totalItems, totalPages: Math.ceil(totalItems / limit) };
}
