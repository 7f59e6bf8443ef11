import type { StoredObservation } from "../../storage/records.js";
import type { ObservationStructure } from "../../storage/trace-store.js";
import { detailsTotal } from "../api-shapes.js";

/**
 * The body of `GET /api/ui/traces/{id}/tree`'s `tree`: one array per field (compact JSON: a
 * 100,000-observation trace is a few MB instead of one object per observation with repeated keys).
 * Times are nanosecond offsets from the earliest start (`baseUnixNano`), exact as JSON numbers for
 * traces up to ~104 days long.
 */
export interface TraceTreeColumnsBody {
  traceId: string;
  baseUnixNano: string;
  ids: string[];
  parentIds: (string | null)[];
  names: string[];
  types: string[];
  levels: string[];
  startOffsetNs: number[];
  endOffsetNs: (number | null)[];
  totalTokens: number[];
  totalCost: number[];
  models: (string | null)[];
}

/** Structure rows from full observations (for stores without `getTraceStructure`). */
export function structureOf(observations: readonly StoredObservation[]): ObservationStructure[] {
  return observations.map((o) => ({
    id: o.id,
    parentObservationId: o.parentObservationId,
    name: o.name,
    type: o.type,
    startTimeNs: o.startTimeNs,
    endTimeNs: o.endTimeNs,
    level: o.level,
    model: o.model,
    totalTokens: detailsTotal(o.usageDetails),
    totalCost: detailsTotal(o.costDetails),
  }));
}

/** Column arrays from structure rows. */
export function treeColumns(traceId: string, rows: readonly ObservationStructure[]): TraceTreeColumnsBody {
  let base: bigint | null = null;
  for (const r of rows) if (base === null || r.startTimeNs < base) base = r.startTimeNs;
  const b = base ?? 0n;
  const n = rows.length;
  const body: TraceTreeColumnsBody = {
    traceId,
    baseUnixNano: b.toString(),
    ids: new Array<string>(n),
    parentIds: new Array<string | null>(n),
    names: new Array<string>(n),
    types: new Array<string>(n),
    levels: new Array<string>(n),
    startOffsetNs: new Array<number>(n),
    endOffsetNs: new Array<number | null>(n),
    totalTokens: new Array<number>(n),
    totalCost: new Array<number>(n),
    models: new Array<string | null>(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i] as ObservationStructure;
    body.ids[i] = r.id;
    body.parentIds[i] = r.parentObservationId;
    body.names[i] = r.name;
    body.types[i] = r.type;
    body.levels[i] = r.level;
    body.startOffsetNs[i] = Number(r.startTimeNs - b);
    body.endOffsetNs[i] = r.endTimeNs === null ? null : Number(r.endTimeNs - b);
    body.totalTokens[i] = r.totalTokens;
    body.totalCost[i] = r.totalCost;
    body.models[i] = r.model;
  }
  return body;
}
