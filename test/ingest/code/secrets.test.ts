// Secret candidates: literals with a secret-like context or a provider's key format, recorded
// with a redacted preview only. (Every "secret" below is made up for the test.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources } from "../analyze-helper.ts";
import { buildSecrets, previewOf, secretKindOfName, shannonEntropy } from "../../../src/ingest/code/secrets.ts";
import type { SecretCandidate } from "../../../src/model/types.ts";

function secretsOf(files: Record<string, string>): SecretCandidate[] {
  return buildSecrets(analyzeSources(files));
}

/** The fields that say what was found, one row per candidate. */
const rows = (secrets: SecretCandidate[]) => secrets.map((s) => [s.location.line, s.kind, s.context, s.pattern ?? "-", s.likelyPlaceholder, s.envFallback]);

describe("secrets: names and contexts", () => {
  it("records a literal assigned to a secret-like name, with a redacted preview only", () => {
    const files = { "src/config.ts": `export const config = {\n  port: 3000,\n  jwtSecret: "f3b9c1e07a6d4e28b5c7a91d0e4f6a2c",\n};\n` };
    const secrets = secretsOf(files);
    assert.deepEqual(secrets, [
      {
        location: { file: "src/config.ts", line: 3, column: 14 },
        kind: "jwt-secret",
        context: "jwtSecret",
        preview: "f3b9…(32)",
        length: 32,
        entropy: 3.93,
        likelyPlaceholder: false,
        envFallback: false,
      },
    ]);
    assert.ok(!JSON.stringify(analyzeSources(files).files.get("src/config.ts")!.extra).includes("f3b9c1e07a6d4e28b5c7a91d0e4f6a2c"), "the value is not kept in the facts");
  });

  it("sees env fallbacks, destructuring defaults, jwt keys and session secrets", () => {
    const secrets = secretsOf({
      "src/app.ts": [
        `import jwt from "jsonwebtoken";`,
        `import session from "express-session";`,
        `const sessionSecret = process.env.SESSION_SECRET || "s3cr3t-fallback-9f2k";`,
        `const { API_TOKEN = "tok_9Qz3Lm2Vx8Rt" } = process.env;`,
        `export const sign = (user) => jwt.sign({ sub: user.id }, "hs256-signing-k3y-42", { expiresIn: "1h" });`,
        `export const sessions = session({ secret: "keyboard cat", resave: false });`,
        `process.env.SMTP_PASSWORD = "Tr0ub4dor&3";`,
      ].join("\n"),
    });
    assert.deepEqual(rows(secrets), [
      [3, "session-secret", "sessionSecret", "-", false, true],
      [4, "token", "API_TOKEN", "-", false, true],
      [5, "jwt-secret", "jwt.sign arg 2", "-", false, false],
      [6, "session-secret", "express-session secret", "-", false, false],
      [7, "password", "process.env.SMTP_PASSWORD", "-", false, false],
    ]);
  });

  it("does not take a read of the environment, or a name about a secret, for a secret", () => {
    const secrets = secretsOf({
      "src/config.ts": [
        `export const config = {`,
        `  jwtSecret: process.env.JWT_SECRET,`,
        `  tokenUrl: "https://auth.example.com/oauth/token",`,
        `  passwordField: "password",`,
        `  author: "Jane Doe",`,
        `  jwtAlgorithm: "HS256",`,
        `  auth: "none",`,
        `  secretEnvName: "JWT_SECRET",`,
        `  apiKeyHeader: "x-api-key",`,
        `  passThrough: "yes",`,
        `  sessionSecret: true,`,
        `  privateKeyFile: "./keys/jwt.pem",`,
        `  signingKeyPath: "keys/signing.key",`,
        `};`,
        `export const SETTING_GROUPS = { members_private_key: "core", stripe_secret_key: "string", admin_session_secret: "private" };`,
        `export const IDENTITY_TOKEN_SCOPE = "members:identity";`,
        `export const globs = { "admin-auth.min.js": "*.js" };`,
        `export const columns = { user_password: "u.password", resetPasswordToken: "resetPasswordToken" };`,
        "export const headers = (token) => ({ Authorization: `Bearer ${token}` });",
        `export const required = (name) => { const secret = process.env[name]; if (!secret) throw new Error(name); return secret; };`,
      ].join("\n"),
    });
    assert.deepEqual(secrets, []);
  });
});

describe("secrets: provider formats", () => {
  it("recognises private keys, cloud and SaaS tokens, and connection strings with a password", () => {
    const secrets = secretsOf({
      "src/keys.ts": [
        "const signingKeyPem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----`;",
        `export const aws = { accessKeyId: "AKIA2Q7RZ5HJK3LPXW4M" };`,
        `export const tokens = ["ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE"];`,
        `export const stripe = new Stripe("sk_live_51Hx7Tq2eZvKYlo2C9xQ3rT5w");`,
        `export const slack = { botToken: "xoxb-2048-918273645-ZyXwVuTsRqPoNm" };`,
        `export const maps = "AIzaSyD4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2b";`,
        `export const pool = new Pool({ connectionString: "postgres://app:Kx9-wQ2z@db.internal:5432/app" });`,
        `export const local = "postgres://postgres:postgres@localhost:5432/dev";`,
        `export const example = "AKIAIOSFODNN7EXAMPLE";`,
      ].join("\n"),
    });
    assert.deepEqual(rows(secrets), [
      [1, "private-key", "signingKeyPem", "pem-private-key", false, false],
      [4, "aws-access-key", "accessKeyId", "aws-access-key-id", false, false],
      [5, "token", "string literal", "github-token", false, false],
      [6, "api-key", "Stripe arg 1", "stripe-secret-key", false, false],
      [7, "token", "botToken", "slack-token", false, false],
      [8, "api-key", "maps", "google-api-key", false, false],
      [9, "connection-string", "connectionString", "connection-string-credentials", false, false],
      [10, "connection-string", "local", "connection-string-credentials", true, false],
      [11, "aws-access-key", "example", "aws-access-key-id", true, false],
    ]);
  });
});

describe("secrets: placeholders", () => {
  it("calls values in test folders and obvious placeholders likely placeholders", () => {
    const secrets = secretsOf({
      "test/login.test.ts": `const password = "Sup3r-Secr3t-Pa55";\n`,
      "src/fixtures/users.ts": `export const apiKey = "k8Hq2Lr9Tz4Wm1";\n`,
      "src/defaults.ts": [
        `export const a = { password: "changeme" };`,
        `export const b = { clientSecret: "your-secret-here" };`,
        `export const c = { apiKey: "<api-key>" };`,
        `export const d = { token: "xxxxxxxxxxxx" };`,
        `export const e = { secret: "" };`,
        `export const f = { adminPassword: "admin123" };`,
        `export const g = { sessionSecret: "secret" };`,
      ].join("\n"),
    });
    assert.deepEqual(
      secrets.map((s) => [s.location.file, s.location.line, s.kind, s.likelyPlaceholder]),
      [
        ["src/defaults.ts", 1, "password", true],
        ["src/defaults.ts", 2, "client-secret", true],
        ["src/defaults.ts", 3, "api-key", true],
        ["src/defaults.ts", 4, "token", true],
        ["src/defaults.ts", 5, "secret", true],
        ["src/defaults.ts", 6, "password", false],
        ["src/defaults.ts", 7, "session-secret", true],
        ["src/fixtures/users.ts", 1, "api-key", true],
        ["test/login.test.ts", 1, "password", true],
      ],
    );
  });
});

describe("secrets: helpers", () => {
  it("splits names into words", () => {
    assert.deepEqual(
      ["JWT_SECRET", "dbPassword", "API_KEY", "privateKey", "AWS_SECRET_ACCESS_KEY", "authToken", "author", "tokenizer", "DB_PASS", "passwordResetUrl", "constructor"].map(secretKindOfName),
      ["jwt-secret", "password", "api-key", "private-key", "api-key", "token", undefined, undefined, "password", undefined, undefined],
    );
  });

  it("measures entropy and never previews a short value whole", () => {
    assert.equal(shannonEntropy([..."aaaa"]), 0);
    assert.equal(shannonEntropy([..."abcd"]), 2);
    assert.equal(previewOf([..."abc"]), "a…(3)");
    assert.equal(previewOf([..."admin123"]), "admi…(8)");
    assert.equal(previewOf([]), "…(0)");
  });
});
