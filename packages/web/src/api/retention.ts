import type { RequestOptions } from "./client.js";
import { request } from "./client.js";
import type { Infer } from "./schema.js";
import { nullable, number, object, string } from "./schema.js";

// A project's retention: `GET|PUT /api/ui/projects/{id}/retention`.

/** The project's own retention in days (null: the server default applies), the server default (null: kept forever) and the ceiling. */
export const projectRetention = object({ projectId: string, retentionDays: nullable(number), serverDefaultDays: nullable(number), maxDays: number });

/** A project's retention setting. */
export type ProjectRetention = Infer<typeof projectRetention>;

const retentionPath = (projectId: string) => `/api/ui/projects/${encodeURIComponent(projectId)}/retention`;

/** The project's retention setting. */
export function fetchRetention(projectId: string, ctx: Pick<RequestOptions, "signal"> = {}): Promise<ProjectRetention> {
  return request(retentionPath(projectId), projectRetention, ctx);
}

/** Sets the project's retention in days, or null to follow the server default. */
export async function setRetention(projectId: string, retentionDays: number | null): Promise<void> {
  await request(retentionPath(projectId), object({ retentionDays: nullable(number) }), { method: "PUT", body: { retentionDays } });
}
