// Security and observability controls, recognised by the package called (through aliases and
// re-exports), with the literal options they are configured with.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeSources } from "../analyze-helper.ts";
import { buildControls } from "../../../src/ingest/code/controls.ts";

function controlsOf(files: Record<string, string>, serviceOf: (file: string) => string = () => "api") {
  return buildControls(analyzeSources(files), serviceOf);
}

describe("controls: an Express app", () => {
  const { securityControls, observabilityControls } = controlsOf({
    "src/app.js": [
      `const express = require("express");`,
      `const helmet = require("helmet");`,
      `const cors = require("cors");`,
      `const rateLimit = require("express-rate-limit");`,
      `const session = require("express-session");`,
      `const csrf = require("csurf");`,
      `const log = require("morgan");`,
      `const { createTerminus } = require("@godaddy/terminus");`,
      `const app = express();`,
      `app.use(helmet());`,
      `app.use(cors({ origin: "*", credentials: true }));`,
      `app.use("/api", rateLimit({ windowMs: 60_000, max: 100 }));`,
      `app.use(express.json({ limit: "1mb" }));`,
      `app.use(session({ secret: "keyboard cat", cookie: { secure: false, httpOnly: true } }));`,
      `app.use(csrf());`,
      `app.use(log("dev"));`,
      `const server = app.listen(3000);`,
      `createTerminus(server, { healthChecks: { "/healthz": async () => true } });`,
      `process.on("SIGTERM", () => server.close());`,
      `process.on("uncaughtException", (e) => console.error(e));`,
    ].join("\n"),
  });

  it("records security controls with their literal options, never a secret's value", () => {
    assert.deepEqual(
      securityControls.map((c) => [c.location.line, c.kind, c.library, c.options]),
      [
        [10, "security-headers", "helmet", {}],
        [11, "cors", "cors", { credentials: true, origin: "*" }],
        [12, "rate-limit", "express-rate-limit", { max: 100, windowMs: 60000 }],
        [13, "body-limit", "express", { limit: "1mb" }],
        [14, "session", "express-session", { cookie: { httpOnly: true, secure: false }, secret: "[redacted]" }],
        [15, "csrf", "csurf", {}],
      ],
    );
    assert.ok(securityControls.every((c) => c.serviceId === "api"));
  });

  it("records request logging through an alias, health checks and graceful shutdown", () => {
    assert.deepEqual(
      observabilityControls.map((c) => [c.location.line, c.kind, c.library]),
      [
        [16, "request-logging", "morgan"],
        [18, "graceful-shutdown", "@godaddy/terminus"],
        [18, "health-check", "@godaddy/terminus"],
        [19, "graceful-shutdown", "process"],
      ],
    );
  });
});

describe("controls: Fastify", () => {
  it("reads the logger option, registered plugins and their options", () => {
    const { securityControls, observabilityControls } = controlsOf({
      "src/server.ts": [
        `import Fastify from "fastify";`,
        `import helmet from "@fastify/helmet";`,
        `import rateLimit from "@fastify/rate-limit";`,
        `const app = Fastify({ logger: { level: "info" }, bodyLimit: 1048576 });`,
        `await app.register(helmet);`,
        `await app.register(rateLimit, { max: 100, timeWindow: "1 minute" });`,
        `await app.register(require("@fastify/cors"), { origin: ["https://app.example.com"] });`,
      ].join("\n"),
    });
    assert.deepEqual(
      securityControls.map((c) => [c.location.line, c.kind, c.library, c.options]),
      [
        [4, "body-limit", "fastify", { bodyLimit: 1048576 }],
        [5, "security-headers", "@fastify/helmet", {}],
        [6, "rate-limit", "@fastify/rate-limit", { max: 100, timeWindow: "1 minute" }],
        [7, "cors", "@fastify/cors", { origin: ["https://app.example.com"] }],
      ],
    );
    assert.deepEqual(observabilityControls.map((c) => [c.location.line, c.kind, c.library]), [[4, "request-logging", "fastify-logger"]]);
  });

  it("does not count a logger that is turned off", () => {
    const { observabilityControls } = controlsOf({ "src/server.ts": `import fastify from "fastify";\nexport const app = fastify({ logger: false });\n` });
    assert.deepEqual(observabilityControls, []);
  });
});

describe("controls: password hashing and JWT", () => {
  it("records bcrypt rounds, argon2, and a fast hash of a password as weak", () => {
    const { securityControls } = controlsOf({
      "src/auth.ts": [
        `import bcrypt from "bcryptjs";`,
        `import argon2 from "argon2";`,
        `import crypto from "node:crypto";`,
        `export const a = (password) => bcrypt.hash(password, 12);`,
        `export const b = (password, hash) => bcrypt.compare(password, hash);`,
        `export const c = (password) => argon2.hash(password, { memoryCost: 19456 });`,
        `export const d = (password) => crypto.createHash("md5").update(password).digest("hex");`,
        `export const e = (file) => crypto.createHash("sha1").update(file).digest("hex");`,
        `export const f = (password, salt) => crypto.pbkdf2Sync(password, salt, 1000, 32, "sha1");`,
      ].join("\n"),
    });
    assert.deepEqual(
      securityControls.map((c) => [c.location.line, c.library, c.options]),
      [
        [4, "bcryptjs", { algorithm: "bcrypt", rounds: 12 }],
        [5, "bcryptjs", { algorithm: "bcrypt" }],
        [6, "argon2", { algorithm: "argon2", memoryCost: 19456 }],
        [7, "crypto", { algorithm: "md5", via: "createHash" }],
        [9, "crypto", { algorithm: "pbkdf2", digest: "sha1", iterations: 1000 }],
      ],
    );
    assert.ok(securityControls.every((c) => c.kind === "password-hashing"));
  });

  it("records jsonwebtoken options", () => {
    const { securityControls } = controlsOf({
      "src/tokens.ts": `import jwt from "jsonwebtoken";\nexport const sign = (p, k) => jwt.sign(p, k, { expiresIn: "15m", algorithm: "HS256" });\nexport const verify = (t, k) => jwt.verify(t, k, { algorithms: ["HS256"] });\n`,
    });
    assert.deepEqual(
      securityControls.map((c) => [c.kind, c.options]),
      [
        ["jwt", { use: "sign", algorithm: "HS256", expiresIn: "15m" }],
        ["jwt", { use: "verify", algorithms: ["HS256"] }],
      ],
    );
  });
});

describe("controls: across files and services", () => {
  it("follows a re-exported package and one logger per service", () => {
    const { securityControls, observabilityControls } = controlsOf(
      {
        "services/api/src/security.ts": `export { default as limiter } from "express-rate-limit";\n`,
        "services/api/src/app.ts": `import express from "express";\nimport { limiter } from "./security.js";\nconst app = express();\napp.use(limiter({ max: 5 }));\n`,
        "services/api/src/log.ts": `import pino from "pino";\nexport const logger = pino();\nexport const child = pino({ name: "child" });\nlogger.info("ready");\n`,
        "services/worker/src/log.ts": `import winston from "winston";\nexport const logger = winston.createLogger({});\nlogger.info("ready");\n`,
        "services/worker/src/metrics.ts": `import client from "prom-client";\nclient.collectDefaultMetrics();\nexport const jobs = new client.Counter({ name: "jobs", help: "jobs" });\n`,
      },
      (file) => file.split("/")[1],
    );
    assert.deepEqual(securityControls.map((c) => [c.serviceId, c.location.file, c.location.line, c.kind, c.options]), [["api", "services/api/src/app.ts", 4, "rate-limit", { max: 5 }]]);
    assert.deepEqual(
      observabilityControls.map((c) => [c.serviceId, c.kind, c.library, `${c.location.file}:${c.location.line}`]),
      [
        ["api", "logger", "pino", "services/api/src/log.ts:2"],
        ["worker", "logger", "winston", "services/worker/src/log.ts:2"],
        ["worker", "metrics", "prom-client", "services/worker/src/metrics.ts:2"],
      ],
    );
  });

  it("does not count an import that is never used", () => {
    const controls = controlsOf({ "src/app.ts": `import helmet from "helmet";\nimport morgan from "morgan";\nexport const unused = [typeof helmet, typeof morgan];\n` });
    assert.deepEqual(controls, { securityControls: [], observabilityControls: [] });
  });
});
