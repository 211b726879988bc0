// The accuracy harness (issue 5): bka on labelled code, beside ESLint's security presets.
//   - the fixture corpus bench/labelled-apps/ (services written for this benchmark, every flaw and
//     its safe twin labelled in bench/labelled-apps/labels.tsv);
//   - real apps by path: `--path <juice-shop checkout>` scores OWASP Juice Shop against
//     ../shared/labels/ (or `--labels DIR`), challenge by challenge.
// A bka finding matches a label when it is in the label's file, within 3 lines of its range and
// from one of its rules; a peer finding matches when it is within 3 lines (any rule). Precision per
// band = findings that match a flaw label / findings in labelled files (the whole corpus counts as
// labelled; for Juice Shop, the files its labels name).
//
//   npm run bench:accuracy                                  # corpus, with the peers
//   npm run bench:accuracy -- --path bench/corpus/juice-shop
//   npm run bench:accuracy -- --no-peers --json
//   npm run bench:accuracy -- --relocate-labels            # after editing a fixture app
//   npm run bench:accuracy -- --path bench/corpus/juice-shop --update-doc   # refresh docs/benchmarks.md
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ScoredInput } from "./accuracy/inputs.ts";
import { inputMarkdown } from "./accuracy/report.ts";
import { relocateLabels } from "./accuracy/fixtures.ts";

const USAGE =
  "usage: npm run bench:accuracy -- [--path <juice-shop checkout>]... [--labels <folder>] [--skip-fixtures] [--no-peers] [--json | --update-doc] | --relocate-labels";
const DOC = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "benchmarks.md");
const BEGIN = "<!-- bench:accuracy:begin -->";
const END = "<!-- bench:accuracy:end -->";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      path: { type: "string", multiple: true, default: [] },
      labels: { type: "string", default: "../shared/labels" },
      "skip-fixtures": { type: "boolean", default: false },
      "no-peers": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "relocate-labels": { type: "boolean", default: false },
      "update-doc": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  if (values["relocate-labels"]) return void console.log(`${relocateLabels()} label(s) moved to their anchors' lines.`);
  // Loaded here, not at the top: relocating labels needs no rule and must work while one is broken.
  const { scoreFixtureCorpus, scoreJuiceShop } = await import("./accuracy/inputs.ts");
  const options = { peers: !values["no-peers"] };
  const inputs: ScoredInput[] = [];
  if (!values["skip-fixtures"]) inputs.push(await scoreFixtureCorpus(options));
  for (const path of values.path ?? []) inputs.push(await scoreJuiceShop(resolve(path), resolve(values.labels ?? "../shared/labels"), options));
  if (!inputs.length) throw new Error(USAGE);
  if (values.json) return void console.log(JSON.stringify({ inputs }, null, 2));
  const body = [`Node ${process.version}, ${cpus().length} cores.`, "", ...inputs.flatMap((input) => [...inputMarkdown(input), ""])];
  if (values["update-doc"]) return updateDoc(body);
  console.log(["## Accuracy (`npm run bench:accuracy`)", "", ...body].join("\n"));
}

/** Replaces the generated block of docs/benchmarks.md (between its markers) with this run's tables. */
function updateDoc(body: string[]): void {
  const text = readFileSync(DOC, "utf8");
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/benchmarks.md: the markers ${BEGIN} and ${END} are missing`);
  writeFileSync(DOC, `${text.slice(0, from + BEGIN.length)}\n${body.join("\n").trimEnd()}\n${text.slice(to)}`);
  console.log("docs/benchmarks.md: accuracy tables updated.");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
