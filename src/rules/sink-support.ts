// The shared check of the injection-style rules over model.sinks (and outbound URLs for SSRF):
// a proven flow from request input to the sink is asserted (95) with the path it takes as
// evidence; a sink fed by a value of unknown origin is asked about when the rule says it is worth
// asking — once per service (its tests apart) for all such sinks of a rule, listing the places, not once per call;
// constant input is never reported.
import type { ArchitectureModel, SecuritySink, SecuritySinkKind, SourceLocation, TaintFlow } from "../model/types.ts";
import type { CodeEvidence } from "../model/finding.ts";
import type { RuleContext, RuleMeta } from "./types.ts";
import { byLocation, describeLocation, questionIfAsk } from "./support.ts";
import { isTestFile } from "../model/files.ts";

export const SINK_CONFIDENCE = { flow: 95, unknownOrigin: 55 } as const;

export type SinkLike = Pick<SecuritySink, "id" | "location" | "api" | "flows" | "interpolation" | "functionId">;

export interface SinkRuleOptions {
  /** What the sink does with the value, for evidence labels: "command run here". */
  sinkLabel: string;
  flowMessage(inputs: string[], where: string, api: string): string;
  /** `where` and `api` list every place and API when several untraced sinks make one question. */
  unknownMessage(where: string, api: string): string;
  question(where: string, api: string): string;
  remediation: string;
  /** Whether a sink of unknown origin is worth a question (default: yes). */
  askWhenUnknown?(sink: SinkLike): boolean;
  /** A fixed confidence for sinks whose danger does not depend on a flow (an unsafe parser option). */
  confidenceOf?(sink: SinkLike): number | undefined;
}

export function sinksOfKind(model: ArchitectureModel, kinds: readonly SecuritySinkKind[]): SecuritySink[] {
  return (model.sinks ?? []).filter((s) => kinds.includes(s.kind));
}

export function checkSinks(meta: RuleMeta, sinks: readonly SinkLike[], model: ArchitectureModel, ctx: RuleContext, options: SinkRuleOptions): void {
  const untraced = new Map<string, SinkLike[]>();
  const proven = new Map<string, SinkLike[]>();
  for (const sink of [...sinks].sort((a, b) => byLocation(a.location, b.location))) {
    const fixed = options.confidenceOf?.(sink);
    if (fixed !== undefined) {
      reportSink(meta, sink, fixed, model, ctx, options);
    } else if (sink.interpolation === "request") {
      // The same input reaching several sinks of one function is one flaw with one fix (validate that input).
      const key = `${sink.functionId ?? sink.location.file} ${inputsOf(sink).join(" ")}`;
      proven.set(key, [...(proven.get(key) ?? []), sink]);
    } else if (sink.interpolation === "unknown" && (options.askWhenUnknown?.(sink) ?? true)) {
      // Test code gets its own question: a test's eval says nothing about the server's.
      const group = `${serviceRootOf(model, sink.location)}${isTestFile(sink.location.file) ? " (tests)" : ""}`;
      untraced.set(group, [...(untraced.get(group) ?? []), sink]);
    }
  }
  for (const group of proven.values()) {
    if (group.length === 1) reportSink(meta, group[0], SINK_CONFIDENCE.flow, model, ctx, options);
    else reportFlowOnce(meta, group, model, ctx, options);
  }
  for (const group of [...untraced.values()]) {
    if (group.length === 1) reportSink(meta, group[0], SINK_CONFIDENCE.unknownOrigin, model, ctx, options);
    else askOnce(meta, group, model, ctx, options);
  }
}

function inputsOf(sink: SinkLike): string[] {
  return [...new Set(sink.flows.map((f) => `req.${f.source.path}`))].sort();
}

function reportSink(meta: RuleMeta, sink: SinkLike, confidence: number, model: ArchitectureModel, ctx: RuleContext, options: SinkRuleOptions): void {
  const where = describeLocation(sink.location);
  const inputs = inputsOf(sink);
  ctx.report({
    confidence,
    message: sink.flows.length ? options.flowMessage(inputs, where, sink.api) : options.unknownMessage(where, sink.api),
    location: sink.location,
    subject: `${sink.id} ${sink.api}`,
    evidence: flowEvidence(ctx, sink.location, sink.flows, options.sinkLabel),
    references: meta.references,
    remediation: { summary: options.remediation },
    ...questionIfAsk(model, confidence, options.question(where, sink.api)),
  });
}

/** One finding for one input reaching several sinks of a function: the flow once, then each sink. */
function reportFlowOnce(meta: RuleMeta, sinks: readonly SinkLike[], model: ArchitectureModel, ctx: RuleContext, options: SinkRuleOptions): void {
  const [first, ...others] = sinks;
  const where = sinks.map((s) => describeLocation(s.location)).join(", ");
  const apis = [...new Set(sinks.map((s) => s.api))].sort().join(", ");
  const confidence = SINK_CONFIDENCE.flow;
  ctx.report({
    confidence,
    message: options.flowMessage(inputsOf(first), where, apis),
    location: first.location,
    subject: `${sinks.map((s) => s.id).join(" ")} ${apis}`,
    occurrences: sinks.length,
    evidence: [...flowEvidence(ctx, first.location, first.flows, options.sinkLabel), ...others.map((s) => ctx.codeEvidence(s.location, `${options.sinkLabel} (${s.api})`))],
    references: meta.references,
    remediation: { summary: options.remediation },
    ...questionIfAsk(model, confidence, options.question(where, apis)),
  });
}

/** One question for every sink of a service whose value bka could not trace, each place as evidence. */
function askOnce(meta: RuleMeta, sinks: readonly SinkLike[], model: ArchitectureModel, ctx: RuleContext, options: SinkRuleOptions): void {
  const where = sinks.map((s) => describeLocation(s.location)).join(", ");
  const apis = [...new Set(sinks.map((s) => s.api))].sort().join(", ");
  const confidence = SINK_CONFIDENCE.unknownOrigin;
  ctx.report({
    confidence,
    message: options.unknownMessage(where, apis),
    location: sinks[0].location,
    subject: `untraced ${sinks.map((s) => `${s.id} ${s.api}`).join(" ")}`,
    evidence: sinks.map((s) => ctx.codeEvidence(s.location, `${options.sinkLabel} (${s.api})`)),
    references: meta.references,
    remediation: { summary: options.remediation },
    ...questionIfAsk(model, confidence, options.question(where, apis)),
  });
}

/** The root of the service a location belongs to (the longest matching root; "." holds everything). */
export function serviceRootOf(model: ArchitectureModel, location: SourceLocation): string {
  const owners = model.services.filter((s) => s.root === "." || location.file.startsWith(`${s.root}/`)).sort((a, b) => b.root.length - a.root.length);
  return owners[0]?.root ?? ".";
}

/** Source, every step, then the sink — each place once, in flow order. */
export function flowEvidence(ctx: RuleContext, sink: SourceLocation, flows: readonly TaintFlow[], sinkLabel: string): CodeEvidence[] {
  const key = (l: SourceLocation) => `${l.file}:${l.line}:${l.column}`;
  const seen = new Set<string>([key(sink)]);
  const evidence: CodeEvidence[] = [];
  const add = (location: SourceLocation, label: string) => {
    if (seen.has(key(location))) return;
    seen.add(key(location));
    evidence.push(ctx.codeEvidence(location, label));
  };
  for (const flow of flows) {
    add(flow.source.location, `request input enters here (req.${flow.source.path})`);
    for (const step of flow.steps) add(step, "flows through here");
  }
  evidence.push(ctx.codeEvidence(sink, sinkLabel));
  return evidence;
}
