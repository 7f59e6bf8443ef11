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
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  { files: ["**/*.{js,mjs}"], languageOptions: { globals: { ...globals.node } } },
  {
    files: ["packages/core/src/**"],
    rules: restrict(["@sightline/tracing", "@sightline/otel", "@sightline/server", "@opentelemetry/*"]),
  },
  { files: ["packages/tracing/src/**"], rules: restrict(["@sightline/otel", "@sightline/server", "@opentelemetry/sdk-*"]) },
  { files: ["packages/otel/src/**"], rules: restrict(["@sightline/server"]) },
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
