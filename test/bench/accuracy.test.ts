// bka on the labelled fixture corpus (bench/labelled-apps/, labels in labels.tsv), scored by the
// accuracy harness without the peers. Recall is pinned exactly for the rules that existed when the
// corpus was written, so a rule that stops finding a labelled flaw fails here; act-band findings
// that match no flaw label must be exactly the known ones below, so a new false positive fails
// and a fixed one asks to be struck off the list. The two targets of the confidence protocol
// (act precision ≥ 95%, every safe twin quiet in the act band) run as todo while the known list
// is not empty, and become hard checks when it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { scoreFixtureCorpus, type ScoredInput } from "../../bench/accuracy/inputs.ts";

/** Label rule column → found/total, for the rules registered when the corpus was labelled. */
const EXPECTED_RECALL: Record<string, string> = {
  "api/unvalidated-body": "5/5",
  "api/write-without-auth": "3/3",
  "database/no-updated-at": "1/1",
  "observability/no-request-logging": "1/1",
  "reliability/outbound-without-timeout": "3/3",
  "security/code-injection": "1/1",
  "security/command-injection": "2/2",
  "security/cors-wildcard-with-credentials|security/cors-permissive": "2/2",
  "security/hardcoded-secret": "2/2",
  "security/jwt-verify-without-algorithms": "1/1",
  "security/nosql-injection": "2/2",
  "security/open-redirect": "2/2",
  "security/path-traversal": "2/2",
  "security/sql-injection": "5/5",
  "security/ssrf": "2/2",
  "security/unsafe-deserialization": "1/1",
  "security/weak-password-hash": "2/2",
  "security/zip-slip": "1/1",
};

/**
 * Act-band findings on safe twins today (rule file:line); each is a labelled safe line. Empty: the
 * sink rules' ten (allowlisted hosts, same-origin redirects, a directory listing and a root check,
 * knex/TypeORM filters read as NoSQL, a service's temporary file name) were fixed at the root.
 */
const KNOWN_ACT_FALSE_POSITIVES: string[] = [];

let scored: Promise<ScoredInput> | undefined;
const corpus = () => (scored ??= scoreFixtureCorpus({ peers: false }));
const place = (at: { rule: string; file: string; line: number }) => `${at.rule} ${at.file}:${at.line}`;

test("recall is exact for the rules that existed when the corpus was labelled", async () => {
  const { bka } = await corpus();
  const actual = Object.fromEntries(bka.recallByRule.filter((r) => r.rule in EXPECTED_RECALL).map((r) => [r.rule, `${r.found}/${r.total}`]));
  assert.deepEqual(actual, EXPECTED_RECALL);
});

test("act-band findings that match no flaw label are exactly the known false positives", async () => {
  const { bka } = await corpus();
  assert.deepEqual(bka.wrongInAct.map(place), KNOWN_ACT_FALSE_POSITIVES);
});

test("every known act-band false positive sits on a labelled safe twin", async () => {
  const { bka } = await corpus();
  const onSafe = bka.labels.filter((r) => r.label.kind === "safe").flatMap((r) => r.hits.filter((h) => h.band === "act").map(place));
  assert.deepEqual([...new Set(onSafe)].sort(), [...KNOWN_ACT_FALSE_POSITIVES].sort());
});

const todo = KNOWN_ACT_FALSE_POSITIVES.length ? `${KNOWN_ACT_FALSE_POSITIVES.length} known act-band false positives` : false;

test("act-band precision is at least 95% on the corpus", { todo }, async () => {
  const [act] = (await corpus()).bka.precision;
  assert.ok(act.findings > 0, "no act-band finding at all");
  assert.ok(act.right / act.findings >= 0.95, `act precision ${act.right}/${act.findings}`);
});

test("every safe label is quiet in the act band", { todo }, async () => {
  assert.equal((await corpus()).bka.safeHitAct, 0);
});

test("every flaw label of a registered rule is scored, pending rules are listed", async () => {
  const input = await corpus();
  assert.equal(input.bka.recall.total, input.bka.labels.filter((r) => r.label.kind === "flaw").length);
  assert.ok(input.bka.recall.total >= 60, `only ${input.bka.recall.total} flaw labels`);
  assert.ok(input.bka.safeTotal >= 50, `only ${input.bka.safeTotal} safe labels`);
  for (const rule of input.pendingRules) assert.ok(!(rule in EXPECTED_RECALL), `${rule} is pinned but not registered`);
});
