import type { ObservationRecord } from "../storage/records.js";
import { CustomPriceTable } from "./custom-price.js";
import type { CustomModelPrice } from "./custom-price.js";
import type { PriceCatalogue } from "./price-catalogue.js";
import { priceObservation } from "./price-observation.js";
import type { PriceSources, PricedCost, PricingInput } from "./price-observation.js";

/** How long a project's custom prices are kept before they are read again (other instances may change them). */
export const CUSTOM_PRICES_TTL_MILLIS = 10_000;

/**
 * Prices observations for a project: the catalogue plus the project's custom prices, which are
 * read from the store once and kept for `ttlMillis` (dropped at once when this server changes
 * them), so ingestion does not read them per request.
 */
export class ProjectPricing {
  private readonly tables = new Map<string, { table: CustomPriceTable; loadedAtMs: number }>();

  constructor(
    readonly catalogue: PriceCatalogue,
    private readonly loadCustomPrices: (projectId: string) => Promise<CustomModelPrice[]>,
    private readonly ttlMillis: number = CUSTOM_PRICES_TTL_MILLIS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The price sources of a project (custom prices from the cache while fresh). */
  async sourcesFor(projectId: string): Promise<PriceSources> {
    const cached = this.tables.get(projectId);
    const nowMs = this.now();
    if (cached !== undefined && nowMs - cached.loadedAtMs < this.ttlMillis) return { catalogue: this.catalogue, custom: cached.table };
    const table = new CustomPriceTable(await this.loadCustomPrices(projectId));
    this.tables.set(projectId, { table, loadedAtMs: nowMs });
    return { catalogue: this.catalogue, custom: table };
  }

  /** Forgets a project's custom prices (after this server created or deleted one). */
  invalidate(projectId: string): void {
    this.tables.delete(projectId);
  }

  /**
   * Sets the cost details and explanation of freshly mapped records, in place. Records without a
   * model and without a cost are left as they are (no cost, no explanation).
   */
  async priceRecords(projectId: string, records: ObservationRecord[]): Promise<void> {
    const sources = await this.sourcesFor(projectId);
    const nowMs = this.now();
    for (const record of records) {
      // Plain spans (no model, no cost) are the bulk of a trace: nothing to price or explain, and
      // no explanation row bytes to write.
      if (record.model === null && isEmpty(record.costDetails)) continue;
      const priced = priceObservation(record, sources, nowMs);
      record.costDetails = priced.costDetails;
      record.costExplanation = priced.costExplanation;
    }
  }

  /** A function that prices one stored observation with fresh sources (for recomputes). */
  async repricerFor(projectId: string): Promise<(input: PricingInput) => PricedCost> {
    this.invalidate(projectId);
    const sources = await this.sourcesFor(projectId);
    const nowMs = this.now();
    return (input) => priceObservation({ ...input, costDetails: {} }, sources, nowMs);
  }
}

function isEmpty(details: Readonly<Record<string, number>>): boolean {
  for (const key in details) if (Object.hasOwn(details, key)) return false;
  return true;
}
