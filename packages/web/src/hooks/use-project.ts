import { createContext, useContext } from "react";

/** The project the UI shows; every project-scoped request sends it in `x-sightline-project`. */
export interface ProjectState {
  readonly projectId: string;
  readonly setProjectId: (id: string) => void;
}

/** Provided by the app shell. */
export const ProjectContext = createContext<ProjectState>({ projectId: "default", setProjectId: () => undefined });

/** The current project. */
export function useProject(): ProjectState {
  return useContext(ProjectContext);
}

const STORAGE_KEY = "sightline.project";

/** The last project chosen in this browser (default `default`). */
export function storedProjectId(): string {
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? "default";
  } catch {
    return "default";
  }
}

/** Remembers the chosen project. */
export function storeProjectId(id: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}
