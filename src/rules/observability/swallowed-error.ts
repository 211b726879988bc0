// observability/swallowed-error: a catch that makes a failure disappear without a trace.
import type { ArchitectureModel, CatchBlock } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "observability/swallowed-error",
  area: "observability",
  severity: "low",
  title: "Error swallowed by a catch",
  rationale:
    "Finds catch blocks and promise `.catch()` handlers in server code (request handlers, what they call, and startup " +
    "code) that drop the error without a word: an empty `catch {}`, `.catch(() => {})`, `.catch(noop)`. The failure then " +
    "leaves no trace: the request answers as if all went well (or with partial data), and nobody learns that a database " +
    "call, a payment or a file write failed until users report it. A catch whose body carries a comment is taken as a " +
    "deliberate, documented decision; also left out: a try that only parses (`JSON.parse`, `new URL`) as input " +
    "validation, a catch inside code that already handles another error, and `promise.catch(() => {})` on a stored " +
    "promise (the idiom that marks a promise awaited elsewhere as handled). Catches " +
    "that return or assign a fallback value (`catch { return false }`) are recorded in the model but not reported: in " +
    "real code they are mostly existence checks and parse fallbacks. One finding per function, as a question.",
  examples: {
    bad: `try {
  await audit.record(event);
} catch {}`,
    good: `try {
  await audit.record(event);
} catch (err) {
  logger.warn({ err }, "audit record failed; continuing");
}`,
  },
  references: [
    refs.cwe(390, "Detection of Error Condition Without Action"),
    refs.cwe(1069, "Empty Exception Block"),
    refs.asvs("16.3.4", "The application logs unexpected errors and security control failures"),
  ],
};

/**
 * An empty block or a no-op `.catch` drops the error for certain, but in real code it is most
 * often a deliberate best-effort step left uncommented: a question (65, ask), not a verdict.
 */
const CONFIDENCE = 65;

const messages = {
  finding: (where: string, list: string, context: string) => `${where} drops ${list} ${context}: the failure is neither logged nor passed on.`,
  question: (where: string) => `Is dropping the error at ${where} intended (an optional step, an expected "not found")? Log it at debug level or add a comment saying why.`,
};

const OPTIONS: Option[] = [
  {
    title: "Log the error with context (and keep the fallback, if it is right)",
    pros: ["The failure becomes visible and countable; behaviour unchanged"],
    cons: ["Expected failures can flood logs: use a lower level for those"],
  },
  {
    title: "Let it propagate (rethrow, or next(err) in a handler)",
    pros: ["The caller or the error handler decides; the client gets a real error status"],
    cons: ["Turns a silent degradation into a failed request"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const group of groupByFunction(model.catchBlocks ?? [])) report(model, ctx, group);
}

function dropsError(c: CatchBlock): boolean {
  const silent = c.handling === "empty" || (c.kind === "promise" && c.detail === "is a no-op");
  return silent && !c.commented && !c.parseFallback && !c.context && !c.inTest && c.reach !== "other";
}

/** Catches that drop the error, one group per function (module code grouped per file), in source order. */
function groupByFunction(catches: CatchBlock[]): CatchBlock[][] {
  const groups = new Map<string, CatchBlock[]>();
  for (const c of catches.filter(dropsError)) {
    const key = c.functionId ?? `${c.location.file}:module`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}

function describeCatch(c: CatchBlock): string {
  if (c.handling !== "empty") return "a no-op .catch() handler";
  return c.kind === "promise" ? "an empty .catch() handler" : "an empty catch block";
}

function report(model: ArchitectureModel, ctx: RuleContext, group: CatchBlock[]): void {
  const first = group[0];
  const confidence = CONFIDENCE;
  const where = first.functionId ? `The function at ${first.functionId.replace(/:\d+$/, "")}` : `Module code in ${first.location.file}`;
  const list = group.length === 1 ? `the error in ${describeCatch(first)} (line ${first.location.line})` : `errors in ${group.length} catches (lines ${group.map((c) => c.location.line).join(", ")})`;
  const context = first.reach === "request" ? "while serving requests" : "during startup";
  const evidence: CodeEvidence[] = group.slice(0, 4).map((c) => ctx.codeEvidence(c.location, c.handling === "empty" ? "empty: the error is dropped" : "a no-op: the error is dropped"));
  ctx.report({
    confidence,
    severity: first.reach === "request" ? "medium" : meta.severity,
    message: messages.finding(where, list, context),
    location: first.location,
    subject: first.functionId ?? `${first.location.file} module`,
    evidence,
    remediation: { summary: "Log the error (with what was being attempted) or pass it on; if dropping it is right, say why in a comment.", options: OPTIONS },
    ...questionIfAsk(model, confidence, messages.question(describeLocation(first.location))),
  });
}

export const rule: Rule = { meta, check };
