// security/unsafe-deserialization: YAML loaded with an unsafe loader, XML parsed with external entities.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind, type SinkLike } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/unsafe-deserialization",
  area: "security",
  severity: "high",
  title: "Unsafe YAML or XML parsing",
  rationale:
    "Finds `js-yaml` `load` of request input (before js-yaml 4, `load` accepts `!!js/function` tags that run code, " +
    "and any version expands alias bombs) and XML parsers with entity substitution enabled (`noent: true`, " +
    "`XML_PARSE_NOENT`), which resolve external entities: `<!ENTITY x SYSTEM \"file:///etc/passwd\">` reads local " +
    "files or makes the server fetch URLs (XXE). An entity-substituting parser is a decision even when bka cannot " +
    "tell what it parses; YAML of unknown origin is asked about.",
  examples: {
    bad: `const config = yaml.load(req.file.buffer.toString());
const doc = libxmljs.parseXml(req.body, { noent: true });`,
    good: `const config = yaml.load(req.file.buffer.toString(), { schema: yaml.JSON_SCHEMA }); // js-yaml 4
const doc = libxmljs.parseXml(req.body, { noent: false, nonet: true });`,
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

const isXmlOption = (sink: SinkLike) => sink.api === "XML_PARSE_NOENT";

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["deserialization"]), model, ctx, {
    sinkLabel: "parsed here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} is parsed by ${api} at ${where}, which can run code, expand entities or exhaust memory.`,
    unknownMessage: (where, api) =>
      api === "XML_PARSE_NOENT" ? `The XML parser option at ${where} substitutes external entities (XXE).` : `${api} at ${where} parses a document bka could not trace.`,
    question: (where) => `Can a client supply the document parsed at ${where}?`,
    remediation: "Load YAML with a safe schema (js-yaml 4 `load`, or `safeLoad` / JSON_SCHEMA before 4) and a size limit; parse XML without entity substitution or DTD loading.",
    confidenceOf: (sink) => (isXmlOption(sink) ? XML_ENTITIES_CONFIDENCE : undefined),
  });
}

export const rule: Rule = { meta, check };
