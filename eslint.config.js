// Type-aware lint: a scheduler cannot afford a dropped promise.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/**
 * The dependency rule of DESIGN.md ("Architecture"), one zone per layer: files in
 * `target` may import nothing under src/ except the `except` paths (relative to src/).
 * Node built-ins and packages are not restricted here.
 */
const layer = (name, allowed, why) => ({
  target: `./src/${name}`,
  from: "./src",
  except: [`./${name}`, ...allowed],
  message: `${name}/ may import only ${[name, ...allowed.map((p) => p.replace(/^\.\//, ""))].join(", ")} (DESIGN.md, dependency rule). ${why}`,
});

// The runtime facade: the engine and the public types of its client interface.
const RUNTIME_FACADE = [
  "./runtime/kairos.ts",
  "./runtime/functions.ts",
  "./runtime/schedules-api.ts",
  "./runtime/client.ts",
];

const LAYERS = [
  layer("core", [], "Pure domain logic: move the type into core or pass it in."),
  layer("ports", ["./core"], "Ports are interfaces over core types."),
  layer(
    "runtime",
    ["./core", "./ports"],
    "The engine talks to stores and executors through ports.",
  ),
  layer("executors", ["./core", "./ports"], "Handlers get their contract from ports/executor."),
  layer(
    "stores",
    ["./core", "./ports"],
    "Adapters implement ports; shared checks go in a driver-neutral stores/ module.",
  ),
  layer(
    "backends",
    ["./core", "./ports"],
    "Schedule backends implement ports/schedule-backend over core (the CronJob builder).",
  ),
  {
    target: "./src/stores/sqlite",
    from: "./src/stores/postgres",
    message:
      "stores/sqlite must not import stores/postgres: share through a driver-neutral module in stores/.",
  },
  {
    target: "./src/stores/postgres",
    from: "./src/stores/sqlite",
    message:
      "stores/postgres must not import stores/sqlite: share through a driver-neutral module in stores/.",
  },
  {
    // Only the driver-neutral modules directly in stores/ (and conformance) may be shared.
    target: ["./src/stores/!(open-store).ts", "./src/stores/conformance/**"],
    from: ["./src/stores/sqlite/**", "./src/stores/postgres/**"],
    message:
      "shared store modules must stay driver-neutral (open-store.ts alone picks an adapter).",
  },
  // config/apply.ts also reaches the store through `kairos.scheduleStore` (a ports type, so no
  // import shows it); another engineer moves it behind a facade method. See the
  // no-restricted-syntax override below.
  layer(
    "config",
    ["./core", "./ports", "./executors", ...RUNTIME_FACADE],
    "Config resolves declarations and registers functions through the runtime facade.",
  ),
  layer(
    "contract",
    ["./core", ...RUNTIME_FACADE],
    "The wire contract: zod schemas of the facade types, routes with scopes, the error table.",
  ),
  layer(
    "api",
    ["./core", "./contract", ...RUNTIME_FACADE, "./index.ts"],
    "The HTTP API serves the runtime facade through a KairosClient.",
  ),
  layer(
    "client",
    ["./core", "./config", "./contract", ...RUNTIME_FACADE, "./index.ts"],
    "Clients of the facade: the local engine and the HTTP API.",
  ),
  layer(
    "cli",
    [
      "./core",
      "./config",
      "./client",
      "./api",
      "./index.ts",
      "./stores/open-store.ts",
      // Leaf constants the CLI names before it loads an engine (start-up stays light).
      "./stores/default-store-url.ts",
      "./runtime/package-version.ts",
      "./backends/open-backend.ts",
      ...RUNTIME_FACADE,
    ],
    "Commands call a KairosClient (local or HTTP).",
  ),
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".kairos/**", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/only-throw-error": "error",
      // A `default` is a deliberate catch-all (exit codes, zod issue codes, Intl parts); without
      // one, every member of the union needs its case.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Layers and cycles (import-x resolves the `.js` specifiers to the `.ts` sources).
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      // Without these, import-x cannot read a .ts dependency and no-cycle sees no edges.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [
        createTypeScriptImportResolver({ project: "./tsconfig.json", alwaysTryTypes: true }),
      ],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { zones: LAYERS }],
      // Value imports only: import-x skips `import type`, which cannot deadlock module loading.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  {
    // Small files and functions (STYLE.md, habit 15): split by responsibility, not by line count.
    files: ["src/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }],
      "max-lines-per-function": [
        "error",
        { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    // Test code: a describe block is as long as its cases (max-lines still applies).
    files: ["src/**/*.test.ts", "src/stores/conformance/**"],
    rules: { "max-lines-per-function": "off" },
  },
  {
    // A migration is one SQL text, frozen once released: the runner records versions by number
    // and the schema snapshot test checks the text, so a long one cannot be split or reflowed.
    files: ["src/stores/*/migrations/**"],
    rules: { "max-lines-per-function": "off" },
  },
  {
    // The store is reached through ports inside the runtime only.
    files: [
      "src/config/**/*.ts",
      "src/cli/**/*.ts",
      "src/api/**/*.ts",
      "src/client/**/*.ts",
      "src/contract/**/*.ts",
    ],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='scheduleStore']",
          message: "Reach schedules through the runtime facade (kairos.schedules), not its store.",
        },
      ],
    },
  },
  {
    // Plain JS (examples, bin): linted without type information.
    files: ["**/*.{js,mjs,cjs}"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: {
        console: "readonly",
        process: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URL: "readonly",
      },
    },
  },
  {
    // Handlers that throw a string and undefined, on purpose: the engine must survive them.
    files: ["test/runtime/handler-failures.test.ts"],
    rules: { "@typescript-eslint/only-throw-error": "off" },
  },
  {
    files: ["test/**", "src/**/*.test.ts", "src/stores/conformance/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/prefer-promise-reject-errors": "off",
    },
  },
);
