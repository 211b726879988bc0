// performance/redos: a regex compiled from request input, or a catastrophic pattern applied to it.
import type { ArchitectureModel, RuntimeCall, TaintFlow } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { endpointList } from "../query-support.ts";
import { callsOnRequestPaths, flowEvidence, type ReachedCall } from "../runtime-support.ts";

export const meta: RuleMeta = {
  id: "performance/redos",
  area: "performance",
  severity: "high",
  title: "Regular expression a client can make backtrack (ReDoS)",
  rationale:
    "Finds two proven cases while serving a request: a regex compiled from request input (`new RegExp(req.query.q)`, " +
    "`text.match(req.body.pattern)`), which lets the client send a pattern such as `(a+)+$`; and request input tested " +
    "against a literal pattern that backtracks exponentially — a repeated group whose body can match the same text in " +
    "several ways, like `(a+)+`, `(\\w+\\s?)*` or `(a|a)*`, followed by something that can fail. Node's regex engine " +
    "backtracks on one thread: 30 characters can take seconds, and no other request is served meanwhile. bka's pattern " +
    "test is deliberately narrow (nested or ambiguous repetition only), so polynomial patterns are not reported.",
  examples: {
    bad: `app.get("/search", (req, res) => {
  const re = new RegExp(req.query.q, "i"); // the client writes the pattern
  res.json(products.filter((p) => re.test(p.name)));
});`,
    good: `app.get("/search", (req, res) => {
  const q = String(req.query.q).toLowerCase();
  res.json(products.filter((p) => p.name.toLowerCase().includes(q)));
});`,
  },
  references: [
    refs.cwe(1333, "Inefficient Regular Expression Complexity"),
    refs.asvs("1.3.12", "Regular expressions are free from elements causing exponential backtracking"),
    refs.asvs("1.2.9", "Special characters in regular expressions are escaped"),
    { title: "OWASP: Regular expression Denial of Service (ReDoS)", url: "https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS" },
  ],
};

/**
 * Both cases are proven when the request value reaches the regex in the handler or through one
 * helper call (90). A flow through more functions leans on every summary along the way, and a
 * check on the value (an allowlist, a format test) may stand in between: a decision (75).
 */
const CONFIDENCE = { direct: 90, indirect: 75 } as const;
const MAX_DIRECT_STEPS = 2;

const OPTIONS: Option[] = [
  {
    title: "Do not compile client input: escape it (`escapeRegExp`) or use plain string search (`includes`, `startsWith`)",
    pros: ["No pattern from outside ever reaches the engine"],
    cons: ["Clients lose wildcard search: offer a small syntax of your own instead"],
  },
  {
    title: "Rewrite the pattern so every character has one way to match (`^\\w+(\\s\\w+)*$` instead of `^(\\w+\\s?)*$`), and cap the input length",
    pros: ["Linear matching time"],
    cons: ["The rewrite must be checked against the original's intent"],
  },
  {
    title: "Use a linear-time engine for untrusted patterns (the `re2` package)",
    pros: ["Safe for any pattern"],
    cons: ["A native dependency; no back-references or lookarounds"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const reached of callsOnRequestPaths(model, new Set(["regex"]))) {
    const { call } = reached;
    if (call.flows.length) reportInjected(model, ctx, reached);
    else if (call.regex?.catastrophic && call.regex.subjectFlows.length) reportCatastrophic(model, ctx, reached, call.regex);
  }
}

function confidenceOf(flows: readonly TaintFlow[]): number {
  return flows.some((f) => f.steps.length <= MAX_DIRECT_STEPS) ? CONFIDENCE.direct : CONFIDENCE.indirect;
}

function reportInjected(model: ArchitectureModel, ctx: RuleContext, { call, endpoints }: ReachedCall): void {
  const input = call.flows[0].source.path;
  const confidence = confidenceOf(call.flows);
  ctx.report({
    confidence,
    message: `${endpointList(endpoints)} compiles a regex from ${input} (${call.api} at ${describeLocation(call.location)}): a client can send a pattern that backtracks for seconds and blocks every other request.`,
    location: call.location,
    subject: `${call.id} pattern`,
    evidence: [...flowEvidence(ctx, call.flows, `${call.api} compiles it as a pattern`), ctx.codeEvidence(endpoints[0].location, `reached while serving ${endpointList(endpoints.slice(0, 1))}`)],
    remediation: {
      summary: "Escape the input before building a regex from it, or search with plain string methods.",
      options: OPTIONS,
      fix: { description: "Escape the request value before compiling it.", location: call.location, replacement: "new RegExp(value.replace(/[.*+?^${}()|[\\]\\\\]/g, \"\\\\$&\"))" },
    },
    ...questionIfAsk(model, confidence, `Is ${input} checked against a strict format before it reaches ${call.api} at ${describeLocation(call.location)}?`),
  });
}

function reportCatastrophic(model: ArchitectureModel, ctx: RuleContext, { call, endpoints }: ReachedCall, regex: NonNullable<RuntimeCall["regex"]>): void {
  const input = regex.subjectFlows[0].source.path;
  const confidence = confidenceOf(regex.subjectFlows);
  const written = regex.sourceLocation;
  ctx.report({
    confidence,
    message:
      `${endpointList(endpoints)} tests ${input} against /${regex.source}/ (${call.api} at ${describeLocation(call.location)}), whose group ` +
      `${regex.catastrophic} can match the same text in exponentially many ways: a few dozen characters that almost match block the server.`,
    // The fix is a rewrite of the pattern: the finding points where it is written.
    location: written ?? call.location,
    subject: `${call.id} pattern`,
    evidence: [
      ...(written && describeLocation(written) !== describeLocation(call.location) ? [ctx.codeEvidence(written, `${regex.catastrophic} backtracks exponentially`)] : []),
      ...flowEvidence(ctx, regex.subjectFlows, `matched against ${regex.catastrophic}`),
      ctx.codeEvidence(endpoints[0].location, `reached while serving ${endpointList(endpoints.slice(0, 1))}`),
    ],
    remediation: { summary: `Rewrite ${regex.catastrophic} so each character can match in only one way, and cap the input's length before matching.`, options: OPTIONS },
    ...questionIfAsk(model, confidence, `Is the length of ${input} capped before it is matched at ${describeLocation(call.location)}?`),
  });
}

export const rule: Rule = { meta, check };
