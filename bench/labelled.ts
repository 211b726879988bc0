// Juice Shop alone, bka only by default (fast, for checking a rule against its labels): a thin
// entry to the accuracy harness (bench/accuracy.ts), which also runs the ESLint peer.
//   node --import tsx bench/labelled.ts --path ../juice-shop [--labels ../shared/labels] [--peers]
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { scoreJuiceShop } from "./accuracy/inputs.ts";
import { inputMarkdown } from "./accuracy/report.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { path: { type: "string" }, labels: { type: "string", default: "../shared/labels" }, peers: { type: "boolean", default: false } } });
  if (!values.path) throw new Error("usage: node --import tsx bench/labelled.ts --path <juice-shop checkout> [--labels <folder>] [--peers]");
  const input = await scoreJuiceShop(resolve(values.path), resolve(values.labels ?? "../shared/labels"), { peers: values.peers ?? false });
  console.log(inputMarkdown(input).join("\n"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
