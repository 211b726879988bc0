import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { rule, envVariableName } from "../../src/rules/security/hardcoded-secret.ts";
import type { ArchitectureModel } from "../../src/model/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import { at, emptyModel, evidenceLines, fixture, runRule, secret, service } from "./model-builder.ts";

const CONFIG = "src/config.js";
const SIGNING = "src/lib/token-signing.js";
const JWT_SECRET = "f3b9c1e07a6d4e28b5c7a91d0e4f6a2c";

function badModel(root: string): ArchitectureModel {
  return emptyModel({
    services: [service({ id: "accounts-service" })],
    secrets: [
      secret({
        location: at(root, CONFIG, "jwtSecret:", { token: '"f3b9' }),
        kind: "jwt-secret",
        context: "config.jwtSecret",
        preview: "f3b9…(32)",
        length: 32,
        entropy: 3.93,
      }),
      secret({
        location: at(root, CONFIG, "databaseUrl:", { token: '"postgres' }),
        kind: "connection-string",
        context: "config.databaseUrl",
        preview: "post…(63)",
        length: 63,
        entropy: 4.54,
        envFallback: true,
      }),
      secret({
        location: at(root, CONFIG, "adminPassword:", { token: '"admin' }),
        kind: "password",
        context: "config.adminPassword",
        preview: "admi…(8)",
        length: 8,
        entropy: 3.0,
      }),
      secret({
        location: at(root, SIGNING, "-----BEGIN RSA PRIVATE KEY-----", { token: "`" }),
        kind: "private-key",
        context: "PRIVATE_KEY",
        preview: "----…(326)",
        length: 326,
        entropy: 5.6,
        pattern: "pem-private-key",
      }),
    ],
  });
}

/** Everything a finding says in its own words (not the quoted source line). */
function ownWords(finding: Finding): string {
  return JSON.stringify({ message: finding.message, remediation: finding.remediation, question: finding.question, title: finding.title });
}

describe("security/hardcoded-secret", () => {
  test("grades each literal by how sure the claim is", () => {
    const root = fixture("hardcoded-secret", "bad");
    const findings = runRule(rule, badModel(root), root);
    assert.equal(findings.length, 4);
    const byContext = (context: string) => findings.find((f) => f.message.includes(context))!;

    const key = byContext("PRIVATE_KEY");
    assert.equal(key.confidence, 95);
    assert.equal(key.band, "act");
    assert.equal(key.severity, "critical");
    assert.match(key.message, /A pem-private-key is written in the code/);
    assert.deepEqual(evidenceLines(key), [`${SIGNING}:3`]);
    assert.equal(key.evidence[0].kind === "code" && key.evidence[0].snippet, "const PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----");
    assert.equal(key.remediation.fix?.replacement, "process.env.PRIVATE_KEY");

    const jwt = byContext("config.jwtSecret");
    assert.equal(jwt.confidence, 90);
    assert.equal(jwt.band, "act");
    assert.equal(jwt.severity, "high");
    assert.match(jwt.message, /"f3b9…\(32\)", 32 characters, 3\.9 bits of entropy/);
    assert.deepEqual(evidenceLines(jwt), [`${CONFIG}:3`]);
    assert.equal(jwt.remediation.fix?.replacement, "process.env.JWT_SECRET");

    const fallback = byContext("config.databaseUrl");
    assert.equal(fallback.confidence, 75);
    assert.equal(fallback.band, "decide");
    assert.match(fallback.message, /ships in production if the variable is ever missing/);
    assert.match(fallback.remediation.options?.[0].title ?? "", /Remove the fallback/);
    assert.equal(fallback.remediation.fix, undefined);

    const weak = byContext("config.adminPassword");
    assert.equal(weak.confidence, 60);
    assert.equal(weak.band, "ask");
    assert.equal(weak.severity, "medium");
    assert.match(weak.question ?? "", /Is the value of config.adminPassword at src\/config.js:5 a real credential/);

    for (const finding of findings) {
      assert.ok(finding.references.some((r) => r.id === "CWE-798"));
      assert.ok(!ownWords(finding).includes(JWT_SECRET), "the rule's own words never contain the secret");
      assert.ok(!ownWords(finding).includes("Tr0ub4dor"), "nor the password in the connection string");
    }
  });

  test("a long random value with a secret name but under the strong threshold is a decision", () => {
    const root = fixture("hardcoded-secret", "bad");
    const model = badModel(root);
    model.secrets = [{ ...model.secrets[0], length: 14, entropy: 3.2 }];
    const [finding] = runRule(rule, model, root);
    assert.equal(finding.confidence, 85);
    assert.equal(finding.band, "decide");
    assert.equal(finding.remediation.options?.length, 2);
  });

  test("an AWS access key id alone is high, not critical", () => {
    const root = fixture("hardcoded-secret", "bad");
    const model = badModel(root);
    model.secrets = [{ ...model.secrets[0], kind: "aws-access-key", pattern: "aws-access-key-id" }];
    const [finding] = runRule(rule, model, root);
    assert.equal(finding.confidence, 95);
    assert.equal(finding.severity, "high");
  });

  test("true negative: secrets from the environment, and a placeholder in a test file", () => {
    const root = fixture("hardcoded-secret", "good");
    const model = emptyModel({
      services: [service({ id: "accounts-service" })],
      secrets: [
        secret({
          location: at(root, "test/service-token.test.js", 'const password = "changeme"', { token: '"changeme"' }),
          kind: "password",
          context: "password",
          preview: "chan…(8)",
          length: 8,
          entropy: 2.75,
          likelyPlaceholder: true,
        }),
      ],
    });
    assert.deepEqual(runRule(rule, model, root), []);
  });
});

describe("envVariableName", () => {
  test("names the variable after what the literal is assigned to", () => {
    assert.equal(envVariableName("config.jwtSecret"), "JWT_SECRET");
    assert.equal(envVariableName("PRIVATE_KEY"), "PRIVATE_KEY");
    assert.equal(envVariableName("stripeApiKey"), "STRIPE_API_KEY");
    assert.equal(envVariableName("jwt.sign arg 2"), undefined);
  });
});
