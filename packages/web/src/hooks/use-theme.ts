import { useCallback, useEffect, useState } from "react";

/** `light` or `dark`. */
export type Theme = "light" | "dark";

const KEY = "sightline.theme";

function initialTheme(): Theme {
  try {
    const stored = window.localStorage.getItem(KEY);
    if (stored === "light" || stored === "dark") return stored;
  } catch {
    // Storage disabled: follow the system.
  }
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The theme on `<html data-theme>`, remembered in this browser; defaults to the system's. */
export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const toggle = useCallback(() => {
    setTheme((t) => {
      const next = t === "dark" ? "light" : "dark";
      try {
        window.localStorage.setItem(KEY, next);
      } catch {
        // Not remembered; still applied.
      }
      return next;
    });
  }, []);
  return [theme, toggle];
}
