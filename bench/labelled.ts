// Labelled accuracy: reviews a checkout of a labelled app (OWASP Juice Shop at the labels'
// commit), matches findings to the server-side labels by file, line range and category, and
// prints found/missed per label, precision per band over findings in labelled files, and recall.
//
//   node --import tsx bench/labelled.ts --path ../juice-shop [--labels ../shared/labels]
//
// A finding matches a label when it is in the label's file, its line is inside the label's
// snippet_range (widened by 3 lines, as the issue scores "on a labelled line or within 3 lines")
// and its rule is one of the rules for the label's category. A finding in a labelled file that
// matches no flaw label is counted as a false positive for precision (a deliberately strict view:
// Juice Shop has unlabelled flaws too). Negative labels (code that looks dangerous and is not)
// count a matching finding as a false positive.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { review, type Finding } from "../src/index.ts";
import { BANDS, type Band } from "../src/model/finding.ts";

interface Label {
  challenge: string;
  category: string;
  file: string;
  from: number;
  to: number;
  negative: boolean;
  /** "annotated" (vuln-code-snippet labels) or "hand" (the extra labels). */
  set: "annotated" | "hand";
}

const TOLERANCE = 3;
/** Label category text → the rules that find it. The first matching pattern wins. */
const CATEGORY_RULES: [RegExp, string[]][] = [
  [/NoSQLi/i, ["security/nosql-injection"]],
  [/SQLi/i, ["security/sql-injection"]],
  [/Code injection|eval of/i, ["security/code-injection"]],
  [/XXE|yaml/i, ["security/unsafe-deserialization"]],
  [/Zip slip/i, ["security/zip-slip", "security/path-traversal"]],
  [/Path traversal|Local file read/i, ["security/path-traversal"]],
  [/SSRF/i, ["security/ssrf"]],
  [/Open redirect/i, ["security/open-redirect"]],
  [/weak hash|MD5/i, ["security/weak-password-hash"]],
  [/Hard-coded/i, ["security/hardcoded-secret"]],
  [/CORS/i, ["security/cors-wildcard-with-credentials", "security/cors-permissive"]],
  [/Mass assignment/i, ["security/mass-assignment"]],
  [/Rate-limit/i, ["security/rate-limit-trusts-forwarded-for", "security/no-rate-limit-on-auth"]],
  [/IDOR|ownership/i, ["security/missing-authorization"]],
  [/missing authz/i, ["api/write-without-auth", "security/missing-authorization"]],
  [/metrics/i, ["security/unauthenticated-metrics"]],
  [/directory listing|logs served/i, ["security/directory-listing"]],
];

function parseTsv(path: string, set: Label["set"]): Label[] {
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n").map((l) => l.split("\t"));
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
  return rows
    .filter((row) => col(row, "scope") === "server")
    .map((row) => {
      const [from, to] = col(row, "snippet_range").split("-").map(Number);
      return { challenge: col(row, "challenge"), category: col(row, "category"), file: col(row, "file"), from, to: to ?? from, negative: col(row, "kind") === "negative", set };
    });
}

function rulesFor(label: Label): string[] {
  if (label.negative) return ["security/code-injection"];
  return CATEGORY_RULES.find(([pattern]) => pattern.test(label.category))?.[1] ?? [];
}

function matches(finding: Finding, label: Label): boolean {
  const at = finding.location;
  return (
    at !== undefined &&
    at.file === label.file &&
    at.line >= label.from - TOLERANCE &&
    at.line <= label.to + TOLERANCE &&
    rulesFor(label).includes(finding.ruleId)
  );
}

const percent = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : "n/a");

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { path: { type: "string" }, labels: { type: "string", default: "../shared/labels" } } });
  if (!values.path) throw new Error("usage: node --import tsx bench/labelled.ts --path <juice-shop checkout> [--labels <folder>]");
  const root = resolve(values.path);
  const labelsDir = resolve(values.labels ?? "../shared/labels");
  for (const name of ["juice-shop-labels.tsv", "juice-shop-extra-labels.tsv"]) {
    if (!existsSync(join(labelsDir, name))) throw new Error(`labels not found: ${join(labelsDir, name)}`);
  }
  const labels = [...parseTsv(join(labelsDir, "juice-shop-labels.tsv"), "annotated"), ...parseTsv(join(labelsDir, "juice-shop-extra-labels.tsv"), "hand")];
  const { findings } = await review(root, { verify: false });
  const labelledFiles = new Set(labels.map((l) => l.file));

  console.log("| Set | Challenge | Category | File | Result |\n|---|---|---|---|---|");
  const found = { annotated: 0, hand: 0 };
  const totals = { annotated: 0, hand: 0 };
  for (const label of labels) {
    const hits = findings.filter((f) => matches(f, label));
    const result = label.negative
      ? hits.length ? `false positive (${hits.map((h) => `${h.ruleId} ${h.band}`).join(", ")})` : "quiet (correct)"
      : hits.length ? `found (${[...new Set(hits.map((h) => `${h.ruleId} ${h.band} :${h.location?.line}`))].join(", ")})` : "missed";
    if (!label.negative) {
      totals[label.set]++;
      if (hits.length) found[label.set]++;
    }
    console.log(`| ${label.set} | ${label.challenge} | ${label.category} | ${label.file} | ${result} |`);
  }

  const inLabelled = findings.filter((f) => f.location && labelledFiles.has(f.location.file));
  const flawLabels = labels.filter((l) => !l.negative);
  console.log("\n| Rules | Band | Findings in labelled files | Match a flaw label | Precision |\n|---|---|---|---|---|");
  for (const [scope, keep] of [["all", () => true], ["security/*", (f: Finding) => f.ruleId.startsWith("security/")]] as const) {
    for (const band of BANDS as readonly Band[]) {
      const inBand = inLabelled.filter((f) => f.band === band && keep(f));
      const right = inBand.filter((f) => flawLabels.some((l) => matches(f, l)));
      console.log(`| ${scope} | ${band} | ${inBand.length} | ${right.length} | ${percent(right.length, inBand.length)} |`);
    }
  }
  const server = findings.filter((f) => f.location && !/^(frontend|test|data\/static)\//.test(f.location.file));
  console.log(`\nRecall: annotated ${found.annotated}/${totals.annotated} (${percent(found.annotated, totals.annotated)}), hand-labelled ${found.hand}/${totals.hand} (${percent(found.hand, totals.hand)}).`);
  console.log(`Findings: ${findings.length} in total, ${server.length} outside frontend/, test/ and data/static/, ${inLabelled.length} in labelled files.`);
  console.log("Peer (measured earlier, see ../shared/notes/measured-facts.md): ESLint with security, sonarjs, sdl and no-unsanitized found 0 of the 18 annotated server-side flaws, with 204 findings.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
