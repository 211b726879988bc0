// Writes docs/rules.md from every rule's `meta`, so the docs cannot drift from the rules.
// Usage: node --import tsx scripts/gen-rule-docs.ts [--check]
//   --check  exit 1 (and say so) when docs/rules.md is not what the rules generate.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AREAS, type Area } from "../src/model/finding.ts";
import { ALL_RULES } from "../src/rules/index.ts";
import type { Rule } from "../src/rules/types.ts";

export const RULE_DOCS_PATH = fileURLToPath(new URL("../docs/rules.md", import.meta.url));

const AREA_TITLES: Record<Area, string> = {
  api: "API",
  database: "Database",
  security: "Security",
  reliability: "Reliability",
  performance: "Performance",
  observability: "Observability",
};

const INTRO = `# Rules

Generated from each rule's \`meta\` by \`scripts/gen-rule-docs.ts\` (\`npm run docs:rules\`); do not edit by hand.

Every finding carries a confidence — the measured chance that it is right — and is shown in one of three bands:

- **≥ 90 · act**: stated as a fact, with a concrete fix.
- **70–89 · decide**: stated with options and their trade-offs.
- **< 70 · ask**: not asserted; turned into a question you can answer in the config.

A rule's default severity can be raised or lowered for a finding (for example when the code runs inside a loop or on a request path).
`;

export function renderRuleDocs(rules: readonly Rule[]): string {
  const sorted = [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  const sections = AREAS.filter((area) => sorted.some((r) => r.meta.area === area)).map((area) =>
    [`## ${AREA_TITLES[area]}`, ...sorted.filter((r) => r.meta.area === area).map(renderRule)].join("\n\n"),
  );
  return [INTRO, renderIndex(sorted), ...sections].map((part) => part.trim()).join("\n\n") + "\n";
}

function renderIndex(rules: Rule[]): string {
  const rows = rules.map(({ meta }) => `| [\`${meta.id}\`](#${slug(meta.id)}) | ${AREA_TITLES[meta.area]} | ${meta.severity} | ${meta.title} |`);
  return ["| Rule | Area | Default severity | Finds |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function renderRule({ meta }: Rule): string {
  return [
    `### ${meta.id}`,
    `**${meta.title}** · default severity: **${meta.severity}**`,
    meta.rationale,
    "**Incorrect**",
    fence(meta.examples.bad),
    "**Correct**",
    fence(meta.examples.good),
    "**References**",
    meta.references.map((r) => `- [${r.title}](${r.url})`).join("\n"),
  ].join("\n\n");
}

function fence(code: string): string {
  return ["```js", code.trimEnd(), "```"].join("\n");
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
}

function main(args: string[]): number {
  const expected = renderRuleDocs(ALL_RULES);
  if (args.includes("--check")) {
    const actual = readFileSync(RULE_DOCS_PATH, "utf8");
    if (actual === expected) return 0;
    console.error("docs/rules.md is out of date: run `npm run docs:rules`.");
    return 1;
  }
  writeFileSync(RULE_DOCS_PATH, expected);
  console.log(`docs/rules.md: ${ALL_RULES.length} rules`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
