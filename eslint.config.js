// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

/** The dependency direction (see README "Architecture"): core <- tracing <- otel. */
const restrict = (/** @type {string[]} */ forbidden) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: forbidden.map((name) => ({
        group: [name, `${name}/*`],
        message: `This package may not depend on ${name} (see the dependency direction in README "Architecture").`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: {
        project: ["./packages/*/tsconfig.json", "./tsconfig.test.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          // node:test's describe/it return promises the runner tracks itself.
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite", "before", "after", "beforeEach", "afterEach"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: ["**/*.{js,mjs,cjs}"], ...tseslint.configs.disableTypeChecked },
  { files: ["**/*.{js,mjs,cjs}"], languageOptions: { globals: { ...globals.node } } },
  {
    files: ["packages/core/src/**"],
    rules: restrict(["@sightline/tracing", "@sightline/otel", "@sightline/server", "@opentelemetry/*"]),
  },
  { files: ["packages/tracing/src/**"], rules: restrict(["@sightline/otel", "@sightline/server", "@opentelemetry/sdk-*"]) },
  { files: ["packages/otel/src/**"], rules: restrict(["@sightline/server", "sightline"]) },
  {
    // The web UI talks to the server over HTTP only.
    files: ["packages/web/src/**"],
    rules: restrict(["@sightline/server", "@sightline/tracing", "@sightline/otel", "@sightline/core", "sightline", "@opentelemetry/*"]),
  },
  {
    files: ["packages/server/src/**"],
    rules: restrict(["@sightline/tracing", "@sightline/otel", "sightline", "@opentelemetry/*"]),
  },
  {
    files: ["packages/*/src/index.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "ExportAllDeclaration", message: "index.ts re-exports by name only (no `export *`)." },
      ],
    },
  },
);
