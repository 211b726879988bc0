// OWASP Juice Shop's labels (../shared/labels/): the vuln-code-snippet challenges ("annotated")
// and the hand-labelled extra set ("hand"), server scope only, each label's category mapped to the
// rules that find it. A label's range is its snippet_range.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Label } from "./score.ts";

export const LABEL_FILES = { annotated: "juice-shop-labels.tsv", hand: "juice-shop-extra-labels.tsv" } as const;

/** Server code: what the noise budget counts (not the Angular frontend, tests or static data). */
export const isServerFile = (file: string): boolean => !/^(frontend|test|data\/static)\//.test(file);

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

/** The negative label is an eval of server-made text: the rule that must stay quiet there. */
const NEGATIVE_RULES = ["security/code-injection"];

export function readJuiceShopLabels(labelsDir: string): Label[] {
  return (Object.entries(LABEL_FILES) as [keyof typeof LABEL_FILES, string][]).flatMap(([set, name]) => {
    const path = join(labelsDir, name);
    if (!existsSync(path)) throw new Error(`labels not found: ${path}`);
    return parseTsv(path, set);
  });
}

function parseTsv(path: string, set: string): Label[] {
  const [header, ...rows] = readFileSync(path, "utf8").trim().split("\n").map((l) => l.split("\t"));
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
  return rows
    .filter((row) => col(row, "scope") === "server")
    .map((row) => {
      const [from, to] = col(row, "snippet_range").split("-").map(Number);
      const category = col(row, "category");
      const negative = col(row, "kind") === "negative";
      const rules = negative ? NEGATIVE_RULES : (CATEGORY_RULES.find(([pattern]) => pattern.test(category))?.[1] ?? []);
      return { group: set, name: col(row, "challenge"), file: col(row, "file"), from, to: to ?? from, rules, kind: negative ? "safe" : "flaw", category };
    });
}
