// reliability/unbounded-cache: a module-level collection that every request can grow and nothing shrinks.
import type { ArchitectureModel, ModuleCollection } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "reliability/unbounded-cache",
  area: "reliability",
  severity: "medium",
  title: "Module-level cache or queue grows without a bound",
  rationale:
    "Finds Maps, Sets, objects and arrays created at module level that code run while serving requests adds to, while " +
    "nothing in the project ever deletes from them, clears them, caps them or replaces them. A module-level collection " +
    "lives as long as the process: when its keys come from requests (ids, URLs, user input) or every request appends " +
    "to it, memory grows with traffic until the process slows down in garbage collection and is killed for running out " +
    "of memory — a slow leak in normal use and a cheap denial of service for anyone who varies the key. A cache needs " +
    "a size or age limit (lru-cache, quick-lru, node-cache with max), a queue needs consumers and a cap.",
  examples: {
    bad: `const quotes = new Map();
app.get("/quotes/:sku", async (req, res) => {
  if (!quotes.has(req.params.sku)) quotes.set(req.params.sku, await loadQuote(req.params.sku));
  res.json(quotes.get(req.params.sku));
});`,
    good: `import { LRUCache } from "lru-cache";
const quotes = new LRUCache({ max: 1000, ttl: 60_000 });`,
  },
  references: [
    refs.cwe(770, "Allocation of Resources Without Limits or Throttling"),
    refs.cwe(401, "Missing Release of Memory after Effective Lifetime"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    { title: "lru-cache: max, maxSize and ttl options", url: "https://github.com/isaacs/node-lru-cache#readme" },
  ],
};

/**
 * Confidence: a key read from the request makes growth follow the client (85); an array that
 * every request appends to grows with traffic (80); another key may come from a small set (70).
 */
const CONFIDENCE = { requestKey: 85, appended: 80, otherKey: 70 } as const;

const messages = {
  finding: (c: ModuleCollection, adds: string, growth: string) =>
    `The module-level ${c.kind === "array" ? "array" : c.kind === "object" ? "object" : c.kind} \`${c.name}\` (${describeLocation(c.location)}) grows while serving requests (${adds}) ${growth}, and nothing in the project removes entries, clears it or caps its size: it grows for the life of the process.`,
  question: (c: ModuleCollection) =>
    `Is the set of keys added to \`${c.name}\` small and fixed (configuration, a handful of tenants)? If so, mark it in the bka config; otherwise give it a size limit.`,
};

const OPTIONS: Option[] = [
  {
    title: "Use a bounded cache (lru-cache with max and ttl, quick-lru with maxSize)",
    pros: ["Memory stays bounded", "Entries also expire, so stale data ages out"],
    cons: ["Evicted entries are recomputed: size the limit to the hit rate you need"],
  },
  {
    title: "Move the cache or queue out of the process (Redis with maxmemory, a message broker)",
    pros: ["Shared by every instance; survives restarts", "Eviction policy managed by the store"],
    cons: ["A network hop and another dependency to run"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const collection of model.moduleCollections ?? []) {
    if (collection.removes.length > 0) continue;
    const growing = collection.adds.filter((a) => a.fromRequest && (a.key !== "constant" || collection.kind === "array"));
    if (growing.length === 0) continue;
    const byRequestKey = growing.some((a) => a.key === "request");
    const confidence = byRequestKey ? CONFIDENCE.requestKey : collection.kind === "array" ? CONFIDENCE.appended : CONFIDENCE.otherKey;
    const growth = byRequestKey ? "with keys taken from the request" : collection.kind === "array" ? "by one item per request" : "with keys computed per request";
    const evidence: CodeEvidence[] = [
      ctx.codeEvidence(collection.location, "created once per process"),
      ...growing.slice(0, 3).map((a) => ctx.codeEvidence(a.location, a.key === "request" ? "adds an entry keyed by request input" : "adds an entry while serving a request")),
    ];
    ctx.report({
      confidence,
      message: messages.finding(collection, growing.slice(0, 3).map((a) => describeLocation(a.location)).join(", "), growth),
      location: collection.location,
      subject: `${collection.location.file} ${collection.name}`,
      evidence,
      remediation: {
        summary: `Bound \`${collection.name}\`: a maximum size with eviction (and an age limit for cached data), or a store outside the process.`,
        options: OPTIONS,
        ...(collection.kind === "Map" ? { fix: { description: "Replace the Map with an LRU cache that has a maximum size.", location: collection.location, replacement: "new LRUCache({ max: 1000, ttl: 60_000 })" } } : {}),
      },
      ...questionIfAsk(model, confidence, messages.question(collection)),
    });
  }
}

export const rule: Rule = { meta, check };
