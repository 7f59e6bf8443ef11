import { CustomPriceTable } from "./custom-price.js";
import type { CustomModelPrice } from "./custom-price.js";
import type { PriceCatalogue } from "./price-catalogue.js";
import { priceObservation } from "./price-observation.js";
import type { PriceSources, PricedCost, PricingInput } from "./price-observation.js";

/** How long a project's custom prices are kept before they are read again (other instances may change them). */
export const CUSTOM_PRICES_TTL_MILLIS = 10_000;

/**
 * A project's custom prices as ingestion hands them to the thread that prices spans (an ingest
 * worker): plain data, and a version that changes whenever they were read again, so that thread
 * compiles them once per version (`PriceSourceCache`).
 */
export interface CustomPriceSnapshot {
  readonly projectId: string;
  readonly version: number;
  readonly prices: readonly CustomModelPrice[];
}

interface CachedPrices {
  snapshot: CustomPriceSnapshot;
  table: CustomPriceTable;
  loadedAtMs: number;
}

/**
 * A project's price sources: the catalogue plus the project's custom prices, which are read from
 * the store once and kept for `ttlMillis` (dropped at once when this server changes them), so
 * ingestion does not read them per request.
 */
export class ProjectPricing {
  private readonly cached = new Map<string, CachedPrices>();
  private version = 0;

  constructor(
    readonly catalogue: PriceCatalogue,
    private readonly loadCustomPrices: (projectId: string) => Promise<CustomModelPrice[]>,
    private readonly ttlMillis: number = CUSTOM_PRICES_TTL_MILLIS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The price sources of a project (custom prices from the cache while fresh). */
  async sourcesFor(projectId: string): Promise<PriceSources> {
    return { catalogue: this.catalogue, custom: (await this.load(projectId)).table };
  }

  /** The project's custom prices for ingestion (from the cache while fresh). */
  async snapshotFor(projectId: string): Promise<CustomPriceSnapshot> {
    return (await this.load(projectId)).snapshot;
  }

  /** Forgets a project's custom prices (after this server created or deleted one). */
  invalidate(projectId: string): void {
    this.cached.delete(projectId);
  }

  /** A function that prices one stored observation with fresh sources (for recomputes). */
  async repricerFor(projectId: string): Promise<(input: PricingInput) => PricedCost> {
    this.invalidate(projectId);
    const sources = await this.sourcesFor(projectId);
    const nowMs = this.now();
    return (input) => priceObservation({ ...input, costDetails: {} }, sources, nowMs);
  }

  private async load(projectId: string): Promise<CachedPrices> {
    const cached = this.cached.get(projectId);
    const nowMs = this.now();
    if (cached !== undefined && nowMs - cached.loadedAtMs < this.ttlMillis) return cached;
    const prices = await this.loadCustomPrices(projectId);
    const fresh = { snapshot: { projectId, version: ++this.version, prices }, table: new CustomPriceTable(prices), loadedAtMs: nowMs };
    this.cached.set(projectId, fresh);
    return fresh;
  }
}
