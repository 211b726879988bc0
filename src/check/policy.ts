// The checklist: the policy turned into pass/fail lines per area, each fail with the findings (or
// problems) behind it. Pure: it reads the model, the findings left after suppressions and the
// baseline, and which rules this bka version has, so a line no rule can back says "unchecked"
// instead of passing by default.
import { AREAS, BANDS, type Area, type Band, type Finding } from "../model/finding.ts";
import type { ArchitectureModel, SourceLocation } from "../model/types.ts";
import { bandRank } from "../emit/common.ts";
import type { SourceReader } from "../ingest/source-reader.ts";
import { DEFAULT_MIN_UNDERSTANDING, type FailOn, type Policy } from "./config.ts";
import type { InvalidSuppression } from "./suppressions.ts";

export const SECTIONS = ["security", "reliability", "performance", "scalability", "evidence"] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Which checklist section a finding area belongs to. API findings (auth, validation) are security
 * questions; logging and metrics keep a service operable, so they count under reliability; the
 * database rules (missing indexes, unbounded queries) decide how the data layer scales.
 */
export const SECTION_OF_AREA: Record<Area, Section> = {
  security: "security",
  api: "security",
  reliability: "reliability",
  observability: "reliability",
  performance: "performance",
  database: "scalability",
};

export type ItemStatus = "pass" | "fail" | "unchecked";

export interface FindingRef {
  ruleId: string;
  band: Band;
  confidence: number;
  title: string;
  location?: SourceLocation;
  fingerprint: string;
}

export interface Problem {
  message: string;
  location?: SourceLocation;
}

export interface CheckItem {
  /** The policy key behind the line: "failOn", "security.maxAct", "api.writeEndpointsAuthenticated", ... */
  id: string;
  title: string;
  status: ItemStatus;
  detail?: string;
  /** The findings behind a fail. */
  findings: FindingRef[];
  /** Problems that are not findings (a suppression without a reason, a claim without evidence). */
  problems: Problem[];
}

export interface SectionResult {
  section: Section;
  items: CheckItem[];
}

export interface RuleInfo {
  id: string;
  area: Area;
}

export interface PolicyInput {
  model: ArchitectureModel;
  /** Findings not suppressed inline and not in the baseline: the ones the policy judges. */
  fresh: readonly Finding[];
  /** Every finding not suppressed inline (fresh and baselined): their evidence is still checked. */
  reported: readonly Finding[];
  invalidSuppressions: readonly InvalidSuppression[];
  /** The rules this bka version runs (id and area, from their meta). */
  rules: readonly RuleInfo[];
  source: SourceReader;
  /** Spectral (`spectral:oas`) on the recovered OpenAPI, when the policy asks for it. */
  openapiLint?: { errors: number; results: readonly { code: string; message: string; path: readonly (string | number)[]; severity: string }[] };
}

/** Policy keys that require a rule to report nothing (true) or at most N findings (a number). */
const RULE_REQUIREMENTS: readonly { area: Area; key: string; ruleId: string; title: (limit: number) => string }[] = [
  { area: "api", key: "writeEndpointsAuthenticated", ruleId: "api/write-without-auth", title: () => "every write endpoint requires authentication" },
  { area: "api", key: "requestBodiesValidated", ruleId: "api/unvalidated-body", title: () => "every request body is validated" },
  { area: "database", key: "unindexedForeignKeys", ruleId: "database/fk-without-index", title: (n) => `at most ${n} foreign key(s) without an index` },
  { area: "reliability", key: "outboundTimeouts", ruleId: "reliability/outbound-without-timeout", title: () => "every outbound call has a timeout" },
  { area: "observability", key: "requestLogging", ruleId: "observability/no-request-logging", title: () => "requests are logged" },
];

const LIMIT_KEYS: Record<Band, "maxAct" | "maxDecide" | "maxAsk"> = { act: "maxAct", decide: "maxDecide", ask: "maxAsk" };

export function evaluatePolicy(policy: Policy, input: PolicyInput): SectionResult[] {
  const items = new Map<Section, CheckItem[]>(SECTIONS.map((s) => [s, []]));
  const add = (section: Section, item: CheckItem) => items.get(section)!.push(item);
  const failOn: FailOn = policy.failOn ?? "act";
  if (failOn !== "none") {
    for (const section of SECTIONS.filter((s) => s !== "evidence")) add(section, failOnItem(section, failOn, input));
  }
  for (const area of AREAS) {
    const areaPolicy = policy[area] as Record<string, number | boolean | undefined> | undefined;
    if (!areaPolicy) continue;
    for (const band of BANDS) {
      const limit = areaPolicy[LIMIT_KEYS[band]];
      if (typeof limit === "number") add(SECTION_OF_AREA[area], bandLimitItem(area, band, limit, input));
    }
    if (area === "api" && areaPolicy.openapiLintClean === true) add(SECTION_OF_AREA.api, openapiLintItem(input));
    for (const requirement of RULE_REQUIREMENTS.filter((r) => r.area === area)) {
      const value = areaPolicy[requirement.key];
      if (value === undefined || value === false) continue;
      const limit = value === true ? 0 : value;
      add(SECTION_OF_AREA[area], ruleItem(`${area}.${requirement.key}`, requirement.title(limit), requirement.ruleId, limit, input));
    }
  }
  add("evidence", understandingItem(policy.evidence?.minUnderstanding ?? DEFAULT_MIN_UNDERSTANDING, input.model));
  if (policy.evidence?.findingsCiteEvidence ?? true) add("evidence", evidenceItem(input));
  add("evidence", suppressionItem(input.invalidSuppressions));
  return SECTIONS.map((section) => ({ section, items: items.get(section)! }));
}

export function policyPassed(sections: readonly SectionResult[]): boolean {
  return sections.every((s) => s.items.every((item) => item.status !== "fail"));
}

function failOnItem(section: Section, failOn: Band, input: PolicyInput): CheckItem {
  const areas = AREAS.filter((a) => SECTION_OF_AREA[a] === section);
  const title = failOn === "ask" ? "no new finding in any band" : `no new finding in the ${failOn} band${failOn === "act" ? "" : " or above"}`;
  if (!input.rules.some((rule) => areas.includes(rule.area))) {
    return unchecked("failOn", title, `no rule in this bka version covers ${section}`);
  }
  const offending = input.fresh.filter((f) => areas.includes(f.area) && bandRank(f.band) <= bandRank(failOn));
  return verdict("failOn", title, offending, 0);
}

function bandLimitItem(area: Area, band: Band, limit: number, input: PolicyInput): CheckItem {
  const id = `${area}.${LIMIT_KEYS[band]}`;
  const title = limit === 0 ? `no new ${band}-band ${area} finding` : `at most ${limit} new ${band}-band ${area} finding(s)`;
  if (!input.rules.some((rule) => rule.area === area)) return unchecked(id, title, `no rule in this bka version covers ${area}`);
  return verdict(id, title, input.fresh.filter((f) => f.area === area && f.band === band), limit);
}

function ruleItem(id: string, title: string, ruleId: string, limit: number, input: PolicyInput): CheckItem {
  if (!input.rules.some((rule) => rule.id === ruleId)) return unchecked(id, title, `needs rule ${ruleId}, which this bka version does not have yet`);
  return verdict(id, title, input.fresh.filter((f) => f.ruleId === ruleId), limit);
}

function verdict(id: string, title: string, offending: readonly Finding[], limit: number): CheckItem {
  // A grouped finding (one cause, many places) counts as the instances it stands for.
  const count = offending.reduce((n, f) => n + (f.occurrences ?? 1), 0);
  const failed = count > limit;
  const detail = limit > 0 || failed ? `${count} found, ${limit} allowed` : undefined;
  return { id, title, status: failed ? "fail" : "pass", ...(detail ? { detail } : {}), findings: failed ? offending.map(refOf) : [], problems: [] };
}

function openapiLintItem(input: PolicyInput): CheckItem {
  const id = "api.openapiLintClean";
  const title = "the recovered OpenAPI has no Spectral (spectral:oas) error";
  if (!input.openapiLint) return unchecked(id, title, "the OpenAPI lint did not run");
  const errors = input.openapiLint.results.filter((r) => r.severity === "error");
  const problems = errors.map((r) => ({ message: `${r.code}: ${r.message} (at ${r.path.join(".")})` }));
  return { id, title, status: errors.length ? "fail" : "pass", detail: `${errors.length} error(s)`, findings: [], problems };
}

function unchecked(id: string, title: string, detail: string): CheckItem {
  return { id, title, status: "unchecked", detail, findings: [], problems: [] };
}

function understandingItem(minimum: number, model: ArchitectureModel): CheckItem {
  const coverage = model.coverage;
  const passed = coverage.understanding >= minimum;
  const problems: Problem[] = passed
    ? []
    : [
        ...coverage.unresolved.map((u) => ({ message: `${u.what}: ${u.reason}`, location: u.location })),
        ...coverage.warnings.map((message) => ({ message })),
      ];
  return {
    id: "evidence.minUnderstanding",
    title: `bka understood at least ${minimum}/100 of the project`,
    status: passed ? "pass" : "fail",
    detail: `understanding ${coverage.understanding}/100`,
    findings: [],
    problems,
  };
}

/** Every claim must point at evidence, and code evidence at a line that really exists. */
function evidenceItem(input: PolicyInput): CheckItem {
  const problems: Problem[] = [];
  for (const finding of input.reported) {
    if (finding.evidence.length === 0) {
      problems.push({ message: `${finding.ruleId} cites no evidence`, ...(finding.location ? { location: finding.location } : {}) });
    }
    for (const evidence of finding.evidence) {
      if (evidence.kind === "code" && !input.source.line(evidence.file, evidence.line)?.trim()) {
        problems.push({ message: `${finding.ruleId} cites a line that is missing or empty`, location: { file: evidence.file, line: evidence.line, column: evidence.column } });
      }
    }
  }
  return { id: "evidence.findingsCiteEvidence", title: "every finding cites evidence on a real source line", status: problems.length ? "fail" : "pass", findings: [], problems };
}

function suppressionItem(invalid: readonly InvalidSuppression[]): CheckItem {
  return {
    id: "suppressions",
    title: "every bka-ignore suppression gives a reason",
    status: invalid.length ? "fail" : "pass",
    findings: [],
    problems: invalid.map((s) => ({ message: s.message, location: s.location })),
  };
}

export function refOf(finding: Finding): FindingRef {
  return {
    ruleId: finding.ruleId,
    band: finding.band,
    confidence: finding.confidence,
    title: finding.title,
    ...(finding.location ? { location: finding.location } : {}),
    fingerprint: finding.fingerprint,
  };
}
