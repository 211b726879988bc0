// The shared check of the injection-style rules over model.sinks (and outbound URLs for SSRF):
// a proven flow from request input to the sink is asserted (95) with the path it takes as
// evidence; a sink fed by a value of unknown origin is asked about when the rule says it is worth
// asking; constant input is never reported.
import type { ArchitectureModel, SecuritySink, SecuritySinkKind, SourceLocation, TaintFlow } from "../model/types.ts";
import type { CodeEvidence } from "../model/finding.ts";
import type { RuleContext, RuleMeta } from "./types.ts";
import { byLocation, describeLocation, questionIfAsk } from "./support.ts";

export const SINK_CONFIDENCE = { flow: 95, unknownOrigin: 55 } as const;

export type SinkLike = Pick<SecuritySink, "id" | "location" | "api" | "flows" | "interpolation">;

export interface SinkRuleOptions {
  /** What the sink does with the value, for evidence labels: "command run here". */
  sinkLabel: string;
  flowMessage(inputs: string[], where: string, api: string): string;
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
  for (const sink of [...sinks].sort((a, b) => byLocation(a.location, b.location))) {
    const where = describeLocation(sink.location);
    const fixed = options.confidenceOf?.(sink);
    const proven = sink.interpolation === "request";
    if (fixed === undefined && !proven && !(sink.interpolation === "unknown" && (options.askWhenUnknown?.(sink) ?? true))) continue;
    const confidence = fixed ?? (proven ? SINK_CONFIDENCE.flow : SINK_CONFIDENCE.unknownOrigin);
    const inputs = [...new Set(sink.flows.map((f) => `req.${f.source.path}`))];
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
