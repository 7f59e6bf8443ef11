import type pg from "pg";
import type { CustomModelPrice } from "../../pricing/custom-price.js";
import { MODEL_PRICE_COLUMNS, modelPriceFromRow, modelPriceValues } from "../model-price-rows.js";

/** A project's custom model prices (`model_prices`). */
export class PgModelPriceQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** Every custom price of the project, oldest first. */
  async listModelPrices(projectId: string): Promise<CustomModelPrice[]> {
    const result = await this.pool.query<Record<string, unknown>>({
      name: "model-prices-list",
      text: "SELECT * FROM model_prices WHERE project_id = $1 ORDER BY created_at_ms, id",
      values: [projectId],
    });
    return result.rows.map(modelPriceFromRow);
  }

  async createModelPrice(price: CustomModelPrice): Promise<CustomModelPrice> {
    await this.pool.query({
      name: "model-prices-insert",
      text: `INSERT INTO model_prices (${MODEL_PRICE_COLUMNS.join(", ")}) VALUES (${MODEL_PRICE_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
      values: modelPriceValues(price),
    });
    return price;
  }

  /** False when the project has no such price. */
  async deleteModelPrice(projectId: string, id: string): Promise<boolean> {
    const result = await this.pool.query({ name: "model-prices-delete", text: "DELETE FROM model_prices WHERE project_id = $1 AND id = $2", values: [projectId, id] });
    return (result.rowCount ?? 0) > 0;
  }
}
