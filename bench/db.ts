// The database benchmark (issue 4): three figures in one run, printed as Markdown and written to
// bench/out/db.md.
//   1. static database review of the shop fixtures (SQL, Prisma, TypeORM, Drizzle, Knex):
//      review() without the embedded PostgreSQL; target ≤ 1 s each;
//   2. review with index proofs on a 3-table schema (test/fixtures/db-index-proof) at --rows rows
//      per queried table (default 200,000), in a child process so its wall time and peak RSS are
//      its own; target ≤ 15 s on 2 cores and ≤ 1.5 GB;
//   3. Squawk (squawk-cli, fetched at run time) on the same SQL migrations as bka, side by side: which
//      statement each tool flags, by rule.
//
//   npm run bench:db
//   npm run bench:db -- --rows 50000
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { review } from "../src/index.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_FILE = join(REPO_ROOT, "bench", "out", "db.md");
const SHOPS = ["db-shop-sql", "db-shop-prisma", "db-shop-typeorm", "db-shop-drizzle", "db-shop-knex"];
const PROOF_FIXTURE = "test/fixtures/db-index-proof";
const MIGRATION_FIXTURES = ["test/fixtures/db-shop-sql", PROOF_FIXTURE];
// Squawk is fetched from the npm registry at run time into the git-ignored corpus folder, like
// the benchmark projects: its platform binaries would otherwise pin one OS into package-lock.json.
const TOOLS = join(REPO_ROOT, "bench", "corpus", "tools");
const SQUAWK = join(TOOLS, "node_modules", ".bin", "squawk");
const SQUAWK_PACKAGE = "squawk-cli@2.66.0";

function ensureSquawk(): void {
  if (existsSync(SQUAWK)) return;
  mkdirSync(TOOLS, { recursive: true });
  spawnSync("npm", ["install", "--prefix", TOOLS, "--no-save", "--no-audit", "--no-fund", SQUAWK_PACKAGE], { stdio: "inherit" });
}

interface ProofRun {
  wallMs: number;
  peakRssMb: number;
  proofs: number;
  recommended: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "200000" }, child: { type: "boolean", default: false } } });
  const rows = Number(values.rows);
  if (values.child) return proofChild(rows);
  const lines = [`# bka database benchmark`, "", `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}`, ""];
  lines.push(...(await staticTable()), "", ...proofTable(rows), "", ...squawkTable(await bkaMigrationFindings()));
  const text = lines.join("\n") + "\n";
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, text);
  process.stdout.write(text);
}

async function staticTable(): Promise<string[]> {
  const out = ["## Static database review (`review(path, { verify: false })`, target ≤ 1 s)", "", "| fixture | entities | data accesses | database findings | time |", "|---|--:|--:|--:|--:|"];
  await review(join(REPO_ROOT, "test/fixtures", SHOPS[0]), { verify: false }); // warm the parsers once
  for (const shop of SHOPS) {
    const started = performance.now();
    const { model, findings } = await review(join(REPO_ROOT, "test/fixtures", shop), { verify: false });
    const ms = performance.now() - started;
    out.push(`| ${shop} | ${model.entities.length} | ${model.dataAccesses.length} | ${findings.filter((f) => f.ruleId.startsWith("database/")).length} | ${ms.toFixed(0)} ms |`);
  }
  return out;
}

function proofTable(rows: number): string[] {
  const child = spawnSync(process.execPath, ["--import", "tsx", relative(REPO_ROOT, fileURLToPath(import.meta.url)), "--child", "--rows", String(rows)], { cwd: REPO_ROOT, encoding: "utf8" });
  const out = [`## Review with index proofs (3-table schema, ${rows.toLocaleString("en-US")} rows per queried table; target ≤ 15 s, ≤ 1.5 GB)`, ""];
  if (child.status !== 0) return [...out, `failed: ${child.stderr.trim().split("\n").slice(-3).join(" ")}`];
  const run = JSON.parse(child.stdout.trim().split("\n").pop()!) as ProofRun;
  return [...out, "| wall time | peak RSS | queries proved | recommended |", "|--:|--:|--:|---|",
    `| ${(run.wallMs / 1000).toFixed(1)} s | ${run.peakRssMb} MB | ${run.proofs} | ${run.recommended.join("<br>") || "none"} |`];
}

async function proofChild(rows: number): Promise<void> {
  const started = performance.now();
  const { model, findings } = await review(join(REPO_ROOT, PROOF_FIXTURE), { rows });
  const run: ProofRun = {
    wallMs: Math.round(performance.now() - started),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    proofs: model.indexProofs?.length ?? 0,
    recommended: findings.filter((f) => f.ruleId === "database/query-without-index").map((f) => `${f.location?.file}:${f.location?.line} ${f.message}`),
  };
  process.stdout.write(JSON.stringify(run) + "\n");
}

interface SquawkViolation {
  file: string;
  line: number;
  rule_name: string;
}

/** Per migration statement: what bka reports and what Squawk reports. */
function squawkTable(bka: Map<string, Map<string, string[]>>): string[] {
  const out = ["## bka and Squawk on the same migrations", ""];
  ensureSquawk();
  const version = spawnSync(SQUAWK, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) return [...out, `Squawk could not be installed (npm install ${SQUAWK_PACKAGE} into bench/corpus/tools failed).`];
  out.push(`${version.stdout.trim()}; bka with migration locks measured on PGlite.`, "", "| migration file | bka (rule:line) | Squawk (rule:line) |", "|---|---|---|");
  return [...out, ...comparisonRows(bka)];
}

function comparisonRows(bkaFindings: Map<string, Map<string, string[]>>): string[] {
  const rows: string[] = [];
  for (const fixture of MIGRATION_FIXTURES) {
    const folder = join(REPO_ROOT, fixture, "db", "migrations");
    const files = readdirSync(folder).filter((f) => f.endsWith(".sql")).sort().map((f) => join(folder, f));
    const squawk = spawnSync(SQUAWK, ["--reporter", "json", ...files], { encoding: "utf8" });
    const violations = (JSON.parse(squawk.stdout || "[]") as SquawkViolation[]).map((v) => ({ at: `${relative(join(REPO_ROOT, fixture), v.file)}:${v.line + 1}`, rule: v.rule_name }));
    rows.push(...byStatement(fixture, bkaFindings.get(fixture) ?? new Map(), violations));
  }
  return rows;
}

/** One row per migration file: each tool's rules with the line they point at (Squawk points inside statements). */
function byStatement(fixture: string, bka: Map<string, string[]>, squawk: { at: string; rule: string }[]): string[] {
  const perFile = (entries: [string, string][]) => {
    const files = new Map<string, string[]>();
    for (const [at, rule] of entries) {
      const [file, line] = at.split(":");
      files.set(file, [...(files.get(file) ?? []), `${rule}:${line}`]);
    }
    return files;
  };
  const ours = perFile([...bka].flatMap(([at, rules]) => rules.map((r): [string, string] => [at, r])));
  const theirs = perFile(squawk.map((v): [string, string] => [v.at, v.rule]));
  const files = [...new Set([...ours.keys(), ...theirs.keys()])].sort();
  const list = (rules: string[] | undefined) => (rules ?? []).sort((a, b) => a.localeCompare(b, "en", { numeric: true })).join(", ") || "—";
  return files.map((file) => `| ${fixture.split("/").pop()}/${file.replace("db/migrations/", "")} | ${list(ours.get(file))} | ${list(theirs.get(file))} |`);
}

/** fixture → "db/migrations/003_x.sql:12" → bka rule names (without "database/"). */
async function bkaMigrationFindings(): Promise<Map<string, Map<string, string[]>>> {
  const bkaFindings = new Map<string, Map<string, string[]>>();
  for (const fixture of MIGRATION_FIXTURES) {
    const { findings } = await review(join(REPO_ROOT, fixture), { rows: 1_000 });
    const at = new Map<string, string[]>();
    for (const f of findings) {
      if (!f.ruleId.startsWith("database/") || !f.location?.file.endsWith(".sql")) continue;
      const key = `${f.location.file}:${f.location.line}`;
      at.set(key, [...(at.get(key) ?? []), f.ruleId.replace("database/", "")]);
    }
    bkaFindings.set(fixture, at);
  }
  return bkaFindings;
}

await main();
