import type { ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { logout } from "../api/endpoints.js";
import { useProjects } from "../hooks/queries.js";
import { useLocation } from "../hooks/use-location.js";
import { useProject } from "../hooks/use-project.js";
import { useTheme } from "../hooks/use-theme.js";
import { Link } from "./Link.js";

const NAV: ReadonlyArray<readonly [string, string, string]> = [
  ["/dashboard", "Dashboard", "▦"],
  ["/traces", "Traces", "≡"],
  ["/sessions", "Sessions", "◷"],
  ["/users", "Users", "◎"],
  ["/observations", "Observations", "◇"],
  ["/settings", "Settings", "⚙"],
];

/** The frame of every page: navigation, project switcher, theme toggle, sign out. */
export function AppShell({ children, version, canLogout }: { children: ReactNode; version: string; canLogout: boolean }) {
  const { pathname } = useLocation();
  const { projectId, setProjectId } = useProject();
  const projects = useProjects();
  const [theme, toggleTheme] = useTheme();
  const client = useQueryClient();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <Link href="/traces" className="brand">
          <span className="brand-mark">◉</span> Sightline
        </Link>
        <label className="project-switch">
          <span className="muted small">Project</span>
          <select value={projectId} onChange={(e) => setProjectId(e.target.value)} aria-label="Project">
            {(projects.data ?? [{ id: projectId, name: projectId }]).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <ul>
          {NAV.map(([href, label, icon]) => (
            <li key={href}>
              <Link href={href} className={pathname.startsWith(href) ? "active" : ""} aria-current={pathname.startsWith(href) ? "page" : undefined}>
                <span className="nav-icon" aria-hidden="true">
                  {icon}
                </span>
                {label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <button type="button" className="btn btn-small" onClick={toggleTheme} aria-label="Toggle theme">
            {theme === "dark" ? "☀ Light" : "☾ Dark"}
          </button>
          {canLogout ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                void logout().then(() => client.invalidateQueries());
              }}
            >
              Sign out
            </button>
          ) : null}
          <span className="muted small">v{version}</span>
        </div>
      </nav>
      <main className="main">{children}</main>
    </div>
  );
}
