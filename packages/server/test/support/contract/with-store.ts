import type { TraceStore } from "@sightline/server";

/** Runs the body against a fresh store and always closes it. */
export async function withStore(open: () => Promise<TraceStore>, body: (store: TraceStore) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** The project most tests write to. */
export const PROJECT = "project-a";
/** Another project, for isolation checks. */
export const OTHER_PROJECT = "project-b";

/** A store with both test projects created. */
export async function withProjects(open: () => Promise<TraceStore>, body: (store: TraceStore) => Promise<void>): Promise<void> {
  await withStore(open, async (store) => {
    await store.ensureProject({ id: PROJECT, name: "A" });
    await store.ensureProject({ id: OTHER_PROJECT, name: "B" });
    await body(store);
  });
}
