/**
 * The value lists of SQLite's metrics rollups (`latency_values`, `ttft_values`): the values as
 * doubles in a BLOB, in the platform's byte order (little-endian on every platform Node supports
 * for better-sqlite3). Nanosecond differences are exact as doubles up to 2^53 ns (104 days), as
 * when the rows' values are read as REAL.
 */
export function encodeDoubles(values: readonly number[]): Buffer | null {
  return values.length === 0 ? null : Buffer.from(Float64Array.from(values).buffer);
}

/** The doubles of a value-list BLOB (copied: a driver's buffer need not be 8-byte aligned). */
export function decodeDoubles(blob: Uint8Array): Float64Array {
  return new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
