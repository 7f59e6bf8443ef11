import { SCALAR_TRACE_FIELDS, setOwn } from "./trace-derivation.js";
import type { RootPriority, ScalarTraceField, SourceKey, TraceAggregate } from "./trace-derivation.js";

/**
 * The stored form of a `TraceAggregate` (the `derivation` column): compact JSON with BigInts as
 * decimal strings in known positions, never guessed from a value's shape, so a user id such as
 * "123n" stays a string.
 */

/** The compact JSON form of an aggregate; BigInts are decimal strings (explicit, never guessed). */
interface AggregateJson {
  s: string;
  e: string | null;
  c: number;
  t: number;
  p: string;
  l: number[];
  g: Record<string, number>;
  u: number;
  f: Partial<Record<ScalarTraceField, [string, string, string]>>;
  m: Record<string, [unknown, string, string]>;
  i: [string, string] | null;
  o: [string, string] | null;
  r: [RootPriority, string, string, string, string] | null;
}

/** Serialises an aggregate to JSON. */
export function serializeAggregate(a: TraceAggregate): string {
  const key = (k: SourceKey): [string, string] => [String(k.startNs), k.id];
  const json: AggregateJson = {
    s: String(a.startNs),
    e: a.endNs === null ? null : String(a.endNs),
    c: a.observationCount,
    t: a.totalTokens,
    p: String(a.totalCostPico),
    l: a.levelCounts,
    g: a.tagCounts,
    u: a.publicCount,
    f: {},
    m: {},
    i: a.input === null ? null : key(a.input),
    o: a.output === null ? null : key(a.output),
    r: a.root === null ? null : [a.root.priority, String(a.root.key.startNs), a.root.key.id, a.root.name, a.root.environment],
  };
  for (const field of SCALAR_TRACE_FIELDS) {
    const winner = a.fields[field];
    if (winner !== undefined) json.f[field] = [winner.value, ...key(winner.key)];
  }
  for (const [name, winner] of Object.entries(a.metadata)) setOwn(json.m, name, [winner.value, ...key(winner.key)]);
  return JSON.stringify(json);
}

/** Parses `serializeAggregate` output. */
export function parseAggregate(text: string): TraceAggregate {
  const json = JSON.parse(text) as AggregateJson;
  const key = (startNs: string, id: string): SourceKey => ({ startNs: BigInt(startNs), id });
  const fields: TraceAggregate["fields"] = {};
  for (const field of SCALAR_TRACE_FIELDS) {
    const winner = json.f[field];
    if (winner !== undefined) fields[field] = { value: winner[0], key: key(winner[1], winner[2]) };
  }
  const metadata: TraceAggregate["metadata"] = {};
  for (const [name, winner] of Object.entries(json.m)) setOwn(metadata, name, { value: winner[0], key: key(winner[1], winner[2]) });
  return {
    startNs: BigInt(json.s),
    endNs: json.e === null ? null : BigInt(json.e),
    observationCount: json.c,
    totalTokens: json.t,
    totalCostPico: BigInt(json.p),
    levelCounts: json.l,
    tagCounts: json.g,
    publicCount: json.u,
    fields,
    metadata,
    input: json.i === null ? null : key(...json.i),
    output: json.o === null ? null : key(...json.o),
    root: json.r === null ? null : { priority: json.r[0], key: key(json.r[1], json.r[2]), name: json.r[3], environment: json.r[4] },
  };
}
