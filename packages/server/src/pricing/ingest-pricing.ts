import type { ObservationRecord } from "../storage/records.js";
import { CustomPriceTable } from "./custom-price.js";
import { GenaiPricesCatalogue } from "./genai-prices-catalogue.js";
import type { PriceCatalogue } from "./price-catalogue.js";
import { priceObservation } from "./price-observation.js";
import type { PriceSources } from "./price-observation.js";
import type { CustomPriceSnapshot } from "./project-pricing.js";

let defaultCatalogue: GenaiPricesCatalogue | undefined;

/** The built-in catalogue (`@pydantic/genai-prices`), one per thread, created on first use. */
export function builtInCatalogue(): GenaiPricesCatalogue {
  defaultCatalogue ??= new GenaiPricesCatalogue();
  return defaultCatalogue;
}

/**
 * Price sources for ingestion from custom-price snapshots: the catalogue plus the project's table,
 * compiled once per snapshot version and project (a thread that prices keeps one of these).
 */
export class PriceSourceCache {
  private readonly tables = new Map<string, { version: number; table: CustomPriceTable }>();
  private readonly none: PriceSources;

  constructor(private readonly catalogue: PriceCatalogue = builtInCatalogue()) {
    this.none = { catalogue, custom: new CustomPriceTable([]) };
  }

  /** The sources for this snapshot; the catalogue alone without one. */
  sourcesFor(snapshot: CustomPriceSnapshot | undefined): PriceSources {
    if (snapshot === undefined || snapshot.prices.length === 0) return this.none;
    let entry = this.tables.get(snapshot.projectId);
    if (entry === undefined || entry.version !== snapshot.version) {
      entry = { version: snapshot.version, table: new CustomPriceTable(snapshot.prices) };
      this.tables.set(snapshot.projectId, entry);
    }
    return { catalogue: this.catalogue, custom: entry.table };
  }
}

/**
 * Sets the cost details and explanation of a freshly mapped record, in place. A record without a
 * model and without a cost is left as it is (no cost, no explanation): plain spans are the bulk of
 * a trace, with nothing to price or explain.
 */
export function priceRecord(record: ObservationRecord, sources: PriceSources, nowMs: number): void {
  if (record.model === null && isEmpty(record.costDetails)) return;
  const priced = priceObservation(record, sources, nowMs);
  record.costDetails = priced.costDetails;
  record.costExplanation = priced.costExplanation;
}

function isEmpty(details: Readonly<Record<string, number>>): boolean {
  for (const key in details) if (Object.hasOwn(details, key)) return false;
  return true;
}
