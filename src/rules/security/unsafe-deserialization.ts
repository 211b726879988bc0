// security/unsafe-deserialization: YAML loaded with an unsafe loader, node-serialize documents, XML parsed with external entities.
import type { ArchitectureModel, SecuritySink } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, serviceRootOf, sinksOfKind, type SinkLike } from "../sink-support.ts";
import { declaredMajor } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "security/unsafe-deserialization",
  area: "security",
  severity: "high",
  title: "Unsafe YAML, XML or object deserialisation",
  rationale:
    "Finds `js-yaml` `load` of request input (before js-yaml 4, `load` accepts `!!js/function` tags that run code, " +
    "and any version expands alias bombs), node-serialize `unserialize` of request input (it revives " +
    "`_$$ND_FUNC$$_` values with eval, so a crafted cookie runs code) and XML parsers with entity substitution enabled (`noent: true`, " +
    "`XML_PARSE_NOENT`), which resolve external entities: `<!ENTITY x SYSTEM \"file:///etc/passwd\">` reads local " +
    "files or makes the server fetch URLs (XXE). An entity-substituting parser is a decision even when bka cannot " +
    "tell what it parses; documents of unknown origin are asked about (one question per service). When the service declares js-yaml 4 or later, " +
    "`load` uses the safe default schema: request input parsed by it is only asked about (an alias bomb stays " +
    "small while parsed and explodes when the result is serialised or deep-copied), and documents of unknown " +
    "origin are not reported.",
  examples: {
    bad: `const config = yaml.load(req.file.buffer.toString());
const doc = libxmljs.parseXml(req.body, { noent: true });
const prefs = serialize.unserialize(req.cookies.prefs);`,
    good: `const config = yaml.load(req.file.buffer.toString(), { schema: yaml.JSON_SCHEMA }); // js-yaml 4
const doc = libxmljs.parseXml(req.body, { noent: false, nonet: true });
const prefs = JSON.parse(req.cookies.prefs ?? "{}");`,
  },
  references: [
    refs.cwe(502, "Deserialization of Untrusted Data"),
    refs.cwe(611, "Improper Restriction of XML External Entity Reference"),
    refs.asvs("1.5.1", "XML parsers use a restrictive configuration with external entities disabled"),
    refs.asvs("1.5.2", "Deserialization of untrusted data enforces safe input handling"),
    refs.top10(2021, 8, "Software and Data Integrity Failures"),
  ],
};

/** Entity substitution is dangerous whatever the document: a decision, not a question. */
const XML_ENTITIES_CONFIDENCE = 80;

/** js-yaml ≥ 4 `load` of request input: no code runs; an alias bomb is a question about what happens next. */
const SAFE_YAML_FLOW_CONFIDENCE = 60;

const isXmlOption = (sink: SinkLike) => sink.api === "XML_PARSE_NOENT";

/** A plain js-yaml `load` (no unsafe schema passed) in a service that declares js-yaml 4 or later. */
function isSafeYamlLoad(model: ArchitectureModel, sink: SecuritySink): boolean {
  if (!/^js-yaml\.(load|loadAll)$/.test(sink.api)) return false;
  // An unsafe schema option makes the sink "request" without a flow: that stays a finding.
  if (sink.interpolation === "request" && sink.flows.length === 0) return false;
  const owner = model.services.find((s) => s.root === serviceRootOf(model, sink.location));
  return owner !== undefined && (declaredMajor(owner, "js-yaml") ?? 0) >= 4;
}

const QUESTION = (where: string) => `Can a client supply the document parsed at ${where}?`;
const REMEDIATION =
  "Load YAML with a safe schema (js-yaml 4 `load`, or `safeLoad` / JSON_SCHEMA before 4) and a size limit; parse XML without entity substitution or DTD loading; use JSON.parse instead of node-serialize.";

function check(model: ArchitectureModel, ctx: RuleContext): void {
  const sinks = sinksOfKind(model, ["deserialization"]);
  const safeYaml = sinks.filter((s) => isSafeYamlLoad(model, s));
  checkSinks(meta, sinks.filter((s) => !safeYaml.includes(s)), model, ctx, {
    sinkLabel: "parsed here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} is parsed by ${api} at ${where}, which can run code, expand entities or exhaust memory.`,
    unknownMessage: (where, api) =>
      api === "XML_PARSE_NOENT" ? `The XML parser option at ${where} substitutes external entities (XXE).` : `${api} at ${where}: documents bka could not trace are parsed with a loader that can run code.`,
    question: QUESTION,
    remediation: REMEDIATION,
    confidenceOf: (sink) => (isXmlOption(sink) ? XML_ENTITIES_CONFIDENCE : undefined),
  });
  // js-yaml 4's `load` runs no code: only request input is worth a question, about alias bombs.
  checkSinks(meta, safeYaml, model, ctx, {
    sinkLabel: "parsed here",
    flowMessage: (inputs, where, api) =>
      `${inputs.join(", ")} is parsed by ${api} at ${where} (js-yaml 4, safe schema: no code runs); aliases can still make the result explode when it is serialised or copied.`,
    unknownMessage: (where, api) => `${api} at ${where} parses a document bka could not trace (js-yaml 4, safe schema).`,
    question: (where) => `Is the YAML parsed at ${where} size-limited, and is its result ever serialised or deep-copied?`,
    remediation: "Limit the document's size before parsing, and reject documents with aliases (or parse with the `yaml` package and its maxAliasCount) when the result is serialised.",
    askWhenUnknown: () => false,
    confidenceOf: (sink) => (sink.interpolation === "request" ? SAFE_YAML_FLOW_CONFIDENCE : undefined),
  });
}

export const rule: Rule = { meta, check };
