import { LocatedError } from "./span-problem.js";

/** Protobuf wire types. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const WIRE_TYPE_NAMES = ["varint", "64-bit", "length-delimited", "start-group", "end-group", "32-bit"];

/** How deep deprecated groups inside unknown fields may nest before the body is refused. */
export const MAX_GROUP_DEPTH = 32;

/** Longest text `recurringString` remembers, in bytes. */
const MAX_RECURRING_BYTES = 64;
/** Slots of `RECENT_TEXTS` (a power of two): a span carries a few dozen distinct keys and short values. */
const RECENT_TEXT_SLOTS = 1_024;
/** Texts `recurringString` decoded lately, by a hash of their bytes (one per slot; a collision replaces). */
const RECENT_TEXTS: Array<{ readonly bytes: Uint8Array; readonly text: string } | undefined> = new Array(RECENT_TEXT_SLOTS).fill(undefined);
/** Per slot, the hash of the last text that missed it: a text is remembered when it misses twice, so unique ones cost no copy. */
const MISSED_HASHES = new Int32Array(RECENT_TEXT_SLOTS);

/** Known fields of one message: index = field number, value = [name, wire type]. */
export type FieldTable = readonly (readonly [name: string, wireType: number] | undefined)[];

/** The bytes are not valid protobuf (truncated, overlong, bad wire type, ...). The body is refused. */
export class WireError extends LocatedError {
  constructor(message: string) {
    super("", message);
    this.name = "WireError";
  }
}

/** Describes a wire type for messages: `length-delimited (2)`. */
export function wireTypeName(wireType: number): string {
  return `${WIRE_TYPE_NAMES[wireType] ?? "invalid"} (${wireType})`;
}

/**
 * A bounds-checked cursor over protobuf bytes. Every read takes the end of the enclosing message,
 * so a length that runs past its message, a truncated value or a varint over 10 bytes is a
 * {@link WireError}, never an out-of-range read or a loop that does not advance.
 */
export class ProtobufReader {
  /** The whole body (a view, not a copy). */
  readonly buf: Buffer;
  private readonly view: DataView;
  /** Offset of the next byte to read. */
  pos = 0;
  /** Low and high 32 bits of the last {@link varint64}. */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws a {@link WireError} that names the byte offset. */
  fail(message: string, at: number = this.pos): never {
    throw new WireError(`${message} at byte ${at} of ${this.buf.length}`);
  }

  /** A varint as unsigned 32 bits (higher bits are dropped, as protobuf does for 32-bit fields). */
  uint32(end: number): number {
    const buf = this.buf;
    const pos = this.pos;
    if (pos < end) {
      const b0 = buf[pos] as number;
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
      if (pos + 1 < end) {
        const b1 = buf[pos + 1] as number;
        if (b1 < 0x80) {
          this.pos = pos + 2;
          return (b0 & 0x7f) | (b1 << 7);
        }
      }
    }
    this.varint64(end);
    return this.lo;
  }

  /** A varint of up to 64 bits into {@link lo} / {@link hi}. */
  varint64(end: number): void {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) this.fail("truncated varint", start);
      const b = buf[pos++] as number;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        this.pos = pos;
        return;
      }
    }
    this.fail("varint longer than 10 bytes", start);
  }

  /** An `int64` varint as a number when exact, else as a decimal string (never rounded). */
  int64(end: number): number | string {
    this.varint64(end);
    const lo = this.lo;
    const hi = this.hi;
    if (hi < 0x200000) return hi * 0x1_0000_0000 + lo; // below 2^53
    if (hi >= 0xffe00000 && (hi !== 0xffe00000 || lo !== 0)) {
      return -((~hi >>> 0) * 0x1_0000_0000 + (~lo >>> 0) + 1); // above -2^53
    }
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** The end offset of a length-delimited field whose length is read now; it must fit in `end`. */
  lengthEnd(end: number): number {
    const at = this.pos;
    let length: number;
    if (at < end && (this.buf[at] as number) < 0x80) {
      length = this.buf[at] as number;
      this.pos = at + 1;
    } else {
      this.varint64(end);
      if (this.hi !== 0) this.fail("length over 4 GiB", at);
      length = this.lo;
    }
    const valueEnd = this.pos + length;
    if (valueEnd > end) {
      this.fail(`length ${length} runs past the end of its message (which ends at byte ${end})`, at);
    }
    return valueEnd;
  }

  /** A `fixed64` as an unsigned BigInt. */
  fixed64(end: number): bigint {
    if (this.pos + 8 > end) this.fail("truncated 64-bit value");
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A `double`. */
  double(end: number): number {
    if (this.pos + 8 > end) this.fail("truncated 64-bit value");
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** UTF-8 text of `buf[start, end)`; invalid sequences become U+FFFD, never an error. */
  string(start: number, end: number): string {
    // Measured: the native decoder beats a JS loop even for short ASCII keys (and makes flat strings).
    return start === end ? "" : this.buf.toString("utf8", start, end);
  }

  /**
   * `string(start, end)` for text that repeats across spans: attribute keys, span names, short
   * values (a model, a user id, a tag). A short text whose bytes equal those of one seen lately
   * (`RECENT_TEXTS`) is that same string, without decoding it again, and, once it has been a
   * property key, without V8 hashing and interning a new copy when it becomes one again. Measured
   * with the benchmark's spans: decoding 28-34% and the ingest worker's whole job 13-18% less CPU;
   * a text is remembered on its second miss, so spans full of unique values (ids) pay only the hash.
   */
  recurringString(start: number, end: number): string {
    const length = end - start;
    if (length === 0 || length > MAX_RECURRING_BYTES) return this.string(start, end);
    const buf = this.buf;
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (buf[i] as number)) | 0;
    const slot = (hash ^ (hash >>> 15)) & (RECENT_TEXT_SLOTS - 1);
    const recent = RECENT_TEXTS[slot];
    if (recent !== undefined && recent.bytes.length === length) {
      const bytes = recent.bytes;
      let i = 0;
      while (i < length && bytes[i] === buf[start + i]) i++;
      if (i === length) return recent.text;
    }
    const text = this.string(start, end);
    if (MISSED_HASHES[slot] === hash) RECENT_TEXTS[slot] = { bytes: Uint8Array.prototype.slice.call(buf, start, end), text };
    else MISSED_HASHES[slot] = hash;
    return text;
  }

  /**
   * Skips one field whose tag was just read. When `known` says the field number belongs to the
   * message but the wire type differs, that is an error rather than an unknown field.
   */
  skip(tag: number, end: number, known: FieldTable): void {
    const field = tag >>> 3;
    const wireType = tag & 7;
    const expected = known[field];
    if (expected !== undefined && expected[1] !== wireType) {
      this.fail(`field ${field} (${expected[0]}) has wire type ${wireTypeName(wireType)}, expected ${wireTypeName(expected[1])}`);
    }
    this.skipValue(field, wireType, end);
  }

  private skipValue(field: number, wireType: number, end: number): void {
    if (field === 0) this.fail("field number 0");
    switch (wireType) {
      case WireType.VARINT:
        this.varint64(end);
        return;
      case WireType.I64:
        if (this.pos + 8 > end) this.fail("truncated 64-bit value");
        this.pos += 8;
        return;
      case WireType.LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WireType.I32:
        if (this.pos + 4 > end) this.fail("truncated 32-bit value");
        this.pos += 4;
        return;
      case WireType.SGROUP:
        this.skipGroup(field, end);
        return;
      case WireType.EGROUP:
        this.fail(`end-group for field ${field} without a start-group`);
        return;
      default:
        this.fail(`invalid wire type ${wireType} (field ${field})`);
    }
  }

  /** Skips a deprecated group, iteratively: nested groups count against {@link MAX_GROUP_DEPTH}. */
  private skipGroup(field: number, end: number): void {
    const open = [field];
    while (open.length > 0) {
      if (this.pos >= end) this.fail(`group for field ${open[open.length - 1]} is not closed`);
      const tag = this.uint32(end);
      const f = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === WireType.EGROUP) {
        if (f !== open.pop()) this.fail(`end-group for field ${f} does not match its start-group`);
      } else if (wireType === WireType.SGROUP) {
        if (open.length >= MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH} levels`);
        if (f === 0) this.fail("field number 0");
        open.push(f);
      } else {
        this.skipValue(f, wireType, end);
      }
    }
  }
}
