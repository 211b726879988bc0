// Small helpers shared by several rules: how an endpoint is named in a message, which band a
// draft confidence will land in, and the reference catalogue (CWE, ASVS 5.0, OWASP) so every
// rule cites standards the same way and no URL is typed twice.
import type { ArchitectureModel, Endpoint, SourceLocation } from "../model/types.ts";
import { bandOf, type Band, type Reference } from "../model/finding.ts";
import { scaleByUnderstanding } from "./engine.ts";
import { compareText } from "../model/order.ts";
import { serviceOfFile } from "../model/files.ts";
import { addToList } from "../ingest/code/values.ts";

/** "POST /api/articles", or "POST /graphql (createUser)" for an operation — how findings name an endpoint. */
export function describeEndpoint(endpoint: Pick<Endpoint, "method" | "path" | "operationName">): string {
  const route = `${endpoint.method} ${endpoint.path}`;
  return endpoint.operationName ? `${route} (${endpoint.operationName})` : route;
}

/** "src/routes/users.js:42" — how findings name a place in the code. */
export function describeLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}`;
}

/**
 * The band a draft will end up in once the engine has scaled it by the run's understanding.
 * Rules use it to attach a question exactly when the finding will be shown as one.
 */
export function finalBand(model: ArchitectureModel, confidence: number): Band {
  return bandOf(scaleByUnderstanding(confidence, model.coverage.understanding));
}

/** The question, only when the finding will be in the ask band. */
export function questionIfAsk(model: ArchitectureModel, confidence: number, question: string): { question?: string } {
  return finalBand(model, confidence) === "ask" ? { question } : {};
}

/** Stable order for locations: file, then line, then column. */
export function byLocation(a: SourceLocation, b: SourceLocation): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column;
}

/** The same location listed once, in source order. */
export function uniqueLocations(locations: SourceLocation[]): SourceLocation[] {
  const seen = new Set<string>();
  return [...locations].sort(byLocation).filter((location) => {
    const key = `${location.file}:${location.line}:${location.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Each item once, first occurrence first. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** "a, b and c"; past `shown` + 1 items, "a, b, c and 4 more" (never "and 1 more"). */
export function listNames(names: readonly string[], shown = Infinity, separator = ", "): string {
  if (names.length > shown + 1) return `${names.slice(0, shown).join(separator)} and ${names.length - shown} more`;
  return names.length > 1 ? `${names.slice(0, -1).join(separator)} and ${names[names.length - 1]}` : (names[0] ?? "");
}

/** Facts grouped by the service whose folder holds them ("." for a single package), services in name order. */
export function groupByService<T extends { location: SourceLocation }>(model: ArchitectureModel, items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const serviceId = serviceOfFile(model.services, item.location.file)?.id ?? ".";
    addToList(groups, serviceId, item);
  }
  return [...groups].sort(([a], [b]) => compareText(a, b));
}

// ---------------------------------------------------------------------------------------------
// Reference catalogue

const ASVS_CHAPTERS: Record<number, string> = {
  1: "0x10-V1-Encoding-and-Sanitization",
  2: "0x11-V2-Validation-and-Business-Logic",
  3: "0x12-V3-Web-Frontend-Security",
  4: "0x13-V4-API-and-Web-Service",
  5: "0x14-V5-File-Handling",
  6: "0x15-V6-Authentication",
  7: "0x16-V7-Session-Management",
  8: "0x17-V8-Authorization",
  9: "0x18-V9-Self-contained-Tokens",
  11: "0x20-V11-Cryptography",
  13: "0x22-V13-Configuration",
  15: "0x24-V15-Secure-Coding-and-Architecture",
  16: "0x25-V16-Security-Logging-and-Error-Handling",
};

const API_TOP10_2023: Record<number, { slug: string; title: string }> = {
  1: { slug: "broken-object-level-authorization", title: "Broken Object Level Authorization" },
  3: { slug: "broken-object-property-level-authorization", title: "Broken Object Property Level Authorization" },
  4: { slug: "unrestricted-resource-consumption", title: "Unrestricted Resource Consumption" },
  5: { slug: "broken-function-level-authorization", title: "Broken Function Level Authorization" },
  10: { slug: "unsafe-consumption-of-apis", title: "Unsafe Consumption of APIs" },
};

export const refs = {
  cwe(id: number, title: string): Reference {
    return { id: `CWE-${id}`, title: `CWE-${id}: ${title}`, url: `https://cwe.mitre.org/data/definitions/${id}.html` };
  },

  /** An OWASP ASVS 5.0.0 requirement, e.g. asvs("1.2.4", "Parameterized queries"). */
  asvs(requirement: string, title: string): Reference {
    const chapter = Number(requirement.split(".")[0]);
    const file = ASVS_CHAPTERS[chapter];
    if (!file) throw new Error(`ASVS chapter V${chapter} is not in the reference catalogue`);
    return {
      id: `ASVS 5.0 V${requirement}`,
      title: `OWASP ASVS 5.0 V${requirement}: ${title}`,
      url: `https://github.com/OWASP/ASVS/blob/v5.0.0_release/5.0/en/${file}.md`,
    };
  },

  /** An OWASP API Security Top 10 2023 risk, e.g. apiTop10(5). */
  apiTop10(rank: number): Reference {
    const risk = API_TOP10_2023[rank];
    if (!risk) throw new Error(`API${rank}:2023 is not in the reference catalogue`);
    return {
      id: `OWASP API${rank}:2023`,
      title: `OWASP API${rank}:2023 ${risk.title}`,
      url: `https://owasp.org/API-Security/editions/2023/en/0xa${rank.toString(16)}-${risk.slug}/`,
    };
  },

  /** An OWASP Top 10 category, e.g. top10(2021, 3, "Injection"). */
  top10(year: 2021 | 2025, rank: number, title: string): Reference {
    const code = `A${String(rank).padStart(2, "0")}_${year}`;
    return {
      id: `OWASP A${String(rank).padStart(2, "0")}:${year}`,
      title: `OWASP Top 10 A${String(rank).padStart(2, "0")}:${year} ${title}`,
      url: `https://owasp.org/Top10/${year}/${code}-${title.replace(/ /g, "_")}/`,
    };
  },

  cheatSheet(name: string): Reference {
    return {
      title: `OWASP ${name.replace(/_/g, " ")} Cheat Sheet`,
      url: `https://cheatsheetseries.owasp.org/cheatsheets/${name}_Cheat_Sheet.html`,
    };
  },
};
