// The peer: ESLint 9 with the recommended presets of eslint-plugin-security, eslint-plugin-sonarjs
// and @microsoft/eslint-plugin-sdl (@typescript-eslint/parser for TypeScript, no type
// information). Like Squawk in bench/db.ts it is installed from the npm registry at run time into
// the git-ignored bench/corpus/tools/eslint, pinned, and never added to the project's own packages.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Located } from "./score.ts";

const TOOLS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "corpus", "tools", "eslint");
const ESLINT_BIN = join(TOOLS, "node_modules", "eslint", "bin", "eslint.js");
const CONFIG = join(TOOLS, "eslint.config.mjs");
/** The same rules without the accuracy run's Juice Shop folders ignored: the speed benchmark lints exactly bka's files. */
export const SPEED_CONFIG = join(TOOLS, "eslint.speed.config.mjs");
/** The peer's ESLint class, for the speed benchmark to time `lintFiles` without module loading. */
export const ESLINT_API = join(TOOLS, "node_modules", "eslint", "lib", "api.js");
/** Versions that install and run on Node 20 (engines checked on the registry). */
export const PEER_PACKAGES = [
  "eslint@9.39.5",
  "eslint-plugin-security@4.1.0",
  "eslint-plugin-sonarjs@4.2.2",
  "@microsoft/eslint-plugin-sdl@1.1.0",
  "@typescript-eslint/parser@8.73.0",
  "typescript@5.9.3",
];
export const PEER_NAME = "ESLint 9.39 + security 4.1 + sonarjs 4.2 + sdl 1.1";

// sdl's preset brings its own copy of eslint-plugin-security under the same plugin name; flat
// config refuses two plugin objects under one name, so its entries are filtered out and the
// current eslint-plugin-security preset stands for both.
const JUICE_SHOP_IGNORES = ["frontend/**", "test/**", "data/static/**"];
const configText = (ignores: readonly string[]) => `import security from "eslint-plugin-security";
import sonarjs from "eslint-plugin-sonarjs";
import sdl from "@microsoft/eslint-plugin-sdl";
import tsParser from "@typescript-eslint/parser";

const withoutSecurity = (config) => !config.plugins || !("security" in config.plugins);
export default [
  { ignores: ${JSON.stringify(["**/node_modules/**", "**/dist/**", "**/build/**", ...ignores, "**/*.min.js"])} },
  { files: ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"], languageOptions: { ecmaVersion: "latest", sourceType: "module", parserOptions: { ecmaFeatures: { jsx: true } } } },
  { files: ["**/*.{ts,mts,cts,tsx}"], languageOptions: { parser: tsParser } },
  security.configs.recommended,
  sonarjs.configs.recommended,
  ...sdl.configs.recommended.filter(withoutSecurity),
];
`;

/** Installs the peer if it is missing; returns why it cannot run, or undefined. */
export function ensurePeer(): string | undefined {
  if (!existsSync(ESLINT_BIN)) {
    mkdirSync(TOOLS, { recursive: true });
    const install = spawnSync("npm", ["install", "--prefix", TOOLS, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", ...PEER_PACKAGES], { stdio: ["ignore", "ignore", "inherit"] });
    if (install.status !== 0 || !existsSync(ESLINT_BIN)) return `npm install ${PEER_PACKAGES.join(" ")} into bench/corpus/tools/eslint failed`;
  }
  writeFileSync(CONFIG, configText(JUICE_SHOP_IGNORES));
  writeFileSync(SPEED_CONFIG, configText([]));
  return undefined;
}

interface EslintMessage {
  ruleId: string | null;
  line?: number;
  fatal?: boolean;
}

/** Runs the peer over a project folder; findings are relative to it, parse errors left out. */
export function runPeer(root: string): Located[] {
  const run = spawnSync(process.execPath, [ESLINT_BIN, "--config", CONFIG, "--format", "json", "--no-warn-ignored", "."], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  // ESLint exits 1 when it reports problems; 2 means it could not run.
  if (run.status !== 0 && run.status !== 1) throw new Error(`ESLint failed on ${root}: ${run.stderr.trim().split("\n").slice(0, 3).join(" ")}`);
  const results = JSON.parse(run.stdout) as { filePath: string; messages: EslintMessage[] }[];
  return results.flatMap((r) =>
    r.messages.flatMap((m) => (m.ruleId && m.line && !m.fatal ? [{ file: relative(root, r.filePath).split("\\").join("/"), line: m.line, rule: m.ruleId }] : [])),
  );
}
