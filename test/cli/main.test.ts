import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { run, failOnReached, type CliIo, type ReviewFn } from "../../src/cli/main.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";
import { BadInputError } from "../../src/ingest/workspace/types.ts";
import type { Finding } from "../../src/model/finding.ts";
import { sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

function capture(isTTY = false) {
  const stream = {
    text: "",
    isTTY,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

interface Harness {
  stdout: ReturnType<typeof capture>;
  stderr: ReturnType<typeof capture>;
  calls: { path: string; hasProgress: boolean }[];
  io: Partial<CliIo>;
}

function harness(options: { findings?: Finding[]; review?: ReviewFn; env?: Record<string, string> } = {}): Harness {
  const calls: Harness["calls"] = [];
  const stdout = capture();
  const stderr = capture();
  const fakeReview: ReviewFn = async (path, reviewOptions) => {
    calls.push({ path, hasProgress: typeof reviewOptions.onProgress === "function" });
    return { model: sampleModel(), findings: options.findings ?? sampleFindings() };
  };
  return { stdout, stderr, calls, io: { stdout, stderr, env: options.env ?? {}, reviewImpl: options.review ?? fakeReview } };
}

const packageVersion = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

test("--help lists the commands and exits 0", async () => {
  const h = harness();
  assert.equal(await run(["--help"], h.io), EXIT.ok);
  assert.match(h.stdout.text, /^Usage: bka \[options\] \[command\]/);
  assert.match(h.stdout.text, /review \[options\] \[path\]/);
  assert.match(h.stdout.text, /openapi \[options\] \[path\]/);
});

test("review --help documents its options", async () => {
  const h = harness();
  assert.equal(await run(["review", "--help"], h.io), EXIT.ok);
  for (const option of ["--format <format>", "--out <dir>", "--fail-on <band>", "--no-progress"]) {
    assert.ok(h.stdout.text.includes(option), option);
  }
});

test("--version prints the package version", async () => {
  const h = harness();
  assert.equal(await run(["--version"], h.io), EXIT.ok);
  assert.equal(h.stdout.text, `${packageVersion}\n`);
});

test("review of a missing path is bad input naming the path", async () => {
  const h = harness();
  assert.equal(await run(["review", "/nonexistent/project"], h.io), EXIT.badInput);
  assert.equal(h.stderr.text, "bka: no such file or directory: /nonexistent/project\n");
  assert.equal(h.calls.length, 0);
});

test("review defaults to the current folder and prints the terminal summary", async () => {
  const h = harness();
  assert.equal(await run(["review"], h.io), EXIT.ok);
  assert.deepEqual(h.calls, [{ path: ".", hasProgress: true }]);
  assert.match(h.stdout.text, /^bka · conduit-monorepo\nRun confidence: understanding 82\/100/);
  assert.doesNotMatch(h.stdout.text, /\u001b\[/, "no colour when stdout is not a TTY");
  assert.equal(h.stderr.text, "", "no progress bar when stderr is not a TTY");
});

test("--format picks the emitter for stdout", async () => {
  const json = harness();
  assert.equal(await run(["review", ".", "--format", "json"], json.io), EXIT.ok);
  assert.equal(JSON.parse(json.stdout.text).model.project, "conduit-monorepo");

  const sarif = harness();
  await run(["review", ".", "--format", "sarif"], sarif.io);
  const log = JSON.parse(sarif.stdout.text);
  assert.equal(log.version, "2.1.0");
  assert.equal(log.runs[0].tool.driver.version, packageVersion);

  const md = harness();
  await run(["review", ".", "--format", "md"], md.io);
  assert.match(md.stdout.text, /^# bka review: conduit-monorepo\n\n## Run confidence/);

  const html = harness();
  await run(["review", ".", "--format", "html"], html.io);
  assert.match(html.stdout.text, /^<!doctype html>\n/);
  assert.match(html.stdout.text, /<h1>bka review: conduit-monorepo<\/h1>/);
});

test("an unknown format is bad input", async () => {
  const h = harness();
  assert.equal(await run(["review", ".", "--format", "xml"], h.io), EXIT.badInput);
  assert.match(h.stderr.text, /^bka: option '--format <format>' argument 'xml' is invalid/);
  assert.equal(h.calls.length, 0);
});

test("an unknown command is bad input", async () => {
  const h = harness();
  assert.equal(await run(["reveiw"], h.io), EXIT.badInput);
  assert.match(h.stderr.text, /^bka: unknown command 'reveiw'/);
});

test("no command shows help and is bad input", async () => {
  const h = harness();
  assert.equal(await run([], h.io), EXIT.badInput);
  assert.match(h.stderr.text, /Usage: bka/);
});

test("--fail-on exits 1 when a finding is in that band or a more certain one", async () => {
  const askOnly = sampleFindings().filter((f) => f.band === "ask");
  const cases: [Finding[], string, number][] = [
    [sampleFindings(), "act", EXIT.failOnReached],
    [askOnly, "act", EXIT.ok],
    [askOnly, "decide", EXIT.ok],
    [askOnly, "ask", EXIT.failOnReached],
    [[], "ask", EXIT.ok],
  ];
  for (const [findings, band, expected] of cases) {
    const h = harness({ findings });
    assert.equal(await run(["review", ".", "--fail-on", band], h.io), expected, `${band} with ${findings.length} findings`);
  }
  const bad = harness();
  assert.equal(await run(["review", ".", "--fail-on", "panic"], bad.io), EXIT.badInput);
});

test("failOnReached orders the bands act > decide > ask", () => {
  const decideOnly = sampleFindings().filter((f) => f.band === "decide");
  assert.equal(failOnReached(decideOnly, "act"), false);
  assert.equal(failOnReached(decideOnly, "decide"), true);
  assert.equal(failOnReached(decideOnly, "ask"), true);
});

test("--out writes the artifacts and says so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bka-cli-"));
  try {
    const h = harness();
    assert.equal(await run(["review", ".", "--out", dir], h.io), EXIT.ok);
    const names = ["report.md", "model.json", "findings.sarif", "openapi.yaml", "report.html", "er.mmd", "architecture.mmd", "schema.sql"];
    for (const name of names) assert.ok(existsSync(join(dir, name)), name);
    assert.ok(h.stdout.text.startsWith(`Wrote ${names.join(", ")} to ${dir}\n`));
    assert.doesNotMatch(h.stdout.text, /--out <dir>/, "no --out hint once the files are written");

    const json = harness();
    await run(["review", ".", "--out", dir, "--format", "json"], json.io);
    assert.doesNotThrow(() => JSON.parse(json.stdout.text), "stdout stays pure JSON");
    assert.match(json.stderr.text, /^Wrote report\.md/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("openapi prints the recovered spec as YAML", async () => {
  const h = harness();
  assert.equal(await run(["openapi", "."], h.io), EXIT.ok);
  const doc = parse(h.stdout.text);
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.paths["/api/articles"].get.operationId, "getApiArticles");
});

test("bad input from the pipeline is printed without a stack", async () => {
  const review: ReviewFn = async () => {
    throw new BadInputError("not a project folder: ./README.md", "./README.md");
  };
  const h = harness({ review });
  assert.equal(await run(["review", "."], h.io), EXIT.badInput);
  assert.equal(h.stderr.text, "bka: not a project folder: ./README.md\n");
});

test("an internal error is one line asking for a report; the stack only with BKA_DEBUG=1", async () => {
  const review: ReviewFn = async () => {
    throw new TypeError("cannot read properties of undefined (reading 'path')\nsecond line");
  };
  const quiet = harness({ review });
  assert.equal(await run(["review", "."], quiet.io), EXIT.internalError);
  assert.equal(quiet.stderr.text.split("\n").length, 2, "one line and the final newline");
  assert.match(quiet.stderr.text, /^bka: internal error: cannot read properties of undefined \(reading 'path'\)\. .*please report/);
  assert.doesNotMatch(quiet.stderr.text, /\n\s+at /);

  const debug = harness({ review, env: { BKA_DEBUG: "1" } });
  assert.equal(await run(["review", "."], debug.io), EXIT.internalError);
  assert.match(debug.stderr.text, /\n\s+at /);
});

test("--no-progress still runs the review", async () => {
  const h = harness();
  assert.equal(await run(["review", ".", "--no-progress"], h.io), EXIT.ok);
  assert.equal(h.calls.length, 1);
});
