import type { Database, Statement } from "better-sqlite3";
import type { CustomModelPrice } from "../../pricing/custom-price.js";
import { MODEL_PRICE_COLUMNS, modelPriceFromRow, modelPriceValues } from "../model-price-rows.js";

/** A project's custom model prices (`model_prices`). */
export class ModelPriceQueries {
  private readonly insert: Statement;
  private readonly list: Statement;
  private readonly remove: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT INTO model_prices (${MODEL_PRICE_COLUMNS.join(", ")}) VALUES (${MODEL_PRICE_COLUMNS.map(() => "?").join(", ")})`,
    );
    this.list = db.prepare(`SELECT * FROM model_prices WHERE project_id = ? ORDER BY created_at_ms, id`);
    this.remove = db.prepare(`DELETE FROM model_prices WHERE project_id = ? AND id = ?`);
  }

  /** Every custom price of the project, oldest first. */
  listModelPrices(projectId: string): CustomModelPrice[] {
    return (this.list.all(projectId) as Array<Record<string, unknown>>).map(modelPriceFromRow);
  }

  createModelPrice(price: CustomModelPrice): CustomModelPrice {
    this.insert.run(...modelPriceValues(price));
    return price;
  }

  /** False when the project has no such price. */
  deleteModelPrice(projectId: string, id: string): boolean {
    return this.remove.run(projectId, id).changes > 0;
  }
}
