import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { onUnauthorized } from "./api/client.js";
import { AppShell } from "./components/AppShell.js";
import { Empty, ErrorBox, Loading } from "./components/States.js";
import { useUiConfig } from "./hooks/queries.js";
import { navigate, useLocation } from "./hooks/use-location.js";
import type { ProjectState } from "./hooks/use-project.js";
import { ProjectContext, storedProjectId, storeProjectId } from "./hooks/use-project.js";
import { LoginPage } from "./pages/LoginPage.js";
import { ObservationsPage } from "./pages/ObservationsPage.js";
import { SessionPage } from "./pages/SessionPage.js";
import { SessionsPage } from "./pages/SessionsPage.js";
import { SettingsPage } from "./pages/SettingsPage.js";
import { TracePage } from "./pages/TracePage.js";
import { TracesPage } from "./pages/TracesPage.js";
import { UserPage, UsersPage } from "./pages/UsersPage.js";

// The dashboard (and its chart library) is its own chunk, loaded when the page is opened.
const DashboardPage = lazy(async () => ({ default: (await import("./pages/DashboardPage.js")).DashboardPage }));

/** The page for a path (`/traces/{id}` and friends); ids are URL-decoded. */
function Route({ pathname }: { pathname: string }) {
  const parts = pathname.split("/").filter((p) => p !== "").map((p) => decodeURIComponent(p));
  const [section, id] = parts;
  switch (section) {
    case undefined:
    case "traces":
      return id === undefined ? <TracesPage /> : <TracePage key={id} traceId={id} />;
    case "sessions":
      return id === undefined ? <SessionsPage /> : <SessionPage key={id} sessionId={id} />;
    case "users":
      return id === undefined ? <UsersPage /> : <UserPage key={id} userId={id} />;
    case "observations":
      return <ObservationsPage />;
    case "dashboard":
      return (
        <Suspense fallback={<Loading label="Loading the dashboard…" />}>
          <DashboardPage />
        </Suspense>
      );
    case "settings":
      return <SettingsPage />;
    default:
      return <Empty title="Page not found.">Nothing lives at {pathname}.</Empty>;
  }
}

/** The application: login gate, project context, shell and routes. */
export function App() {
  const config = useUiConfig();
  const client = useQueryClient();
  const { pathname } = useLocation();
  const [projectId, setProjectIdState] = useState(storedProjectId);
  const project = useMemo<ProjectState>(
    () => ({
      projectId,
      setProjectId: (id: string) => {
        storeProjectId(id);
        setProjectIdState(id);
      },
    }),
    [projectId],
  );

  // A 401 anywhere means the session ended: re-read the config, which shows the login.
  useEffect(() => onUnauthorized(() => void client.invalidateQueries({ queryKey: ["ui-config"] })), [client]);
  useEffect(() => {
    if (pathname === "/") navigate("/traces", { replace: true });
  }, [pathname]);

  if (config.isPending) return <Loading label="Connecting…" />;
  if (config.isError) return <ErrorBox error={config.error} />;
  if (!config.data.authenticated) return <LoginPage />;
  return (
    <ProjectContext.Provider value={project}>
      <AppShell version={config.data.version} canLogout={config.data.authMode === "password"}>
        <Route key={projectId} pathname={pathname} />
      </AppShell>
    </ProjectContext.Provider>
  );
}
