import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUTPUT_FILES, writeOutputs } from "../../src/emit/index.ts";
import { BadInputError } from "../../src/ingest/workspace/types.ts";
import { sampleFindings, sampleModel } from "../fixtures/models/sample-model.ts";

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "bka-out-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAll(dir: string): Record<string, string> {
  return Object.fromEntries(OUTPUT_FILES.map((name) => [name, readFileSync(join(dir, name), "utf8")]));
}

test("writes the four artifacts into a new folder", () => {
  withTempDir((root) => {
    const dir = join(root, "nested", "out");
    const written = writeOutputs(dir, sampleModel(), sampleFindings(), { toolVersion: "9.9.9" });
    assert.deepEqual(written, ["report.md", "model.json", "findings.sarif", "openapi.yaml"]);
    assert.deepEqual(readdirSync(dir).sort(), ["findings.sarif", "model.json", "openapi.yaml", "report.md"]);
    const files = readAll(dir);
    assert.ok(files["report.md"].startsWith("# bka review: conduit-monorepo\n"));
    assert.equal(JSON.parse(files["findings.sarif"]).runs[0].tool.driver.version, "9.9.9");
    assert.equal(JSON.parse(files["model.json"]).model.project, "conduit-monorepo");
    assert.match(files["openapi.yaml"], /^openapi: 3\.1\.0\n/);
  });
});

test("every file ends with a newline and is byte-identical across runs", () => {
  withTempDir((root) => {
    writeOutputs(join(root, "a"), sampleModel(), sampleFindings());
    writeOutputs(join(root, "b"), sampleModel(), sampleFindings());
    const first = readAll(join(root, "a"));
    const second = readAll(join(root, "b"));
    assert.deepEqual(second, first);
    for (const [name, text] of Object.entries(first)) {
      assert.ok(text.endsWith("\n"), name);
      assert.equal(text.includes(root), false, `${name} mentions the machine path`);
    }
  });
});

test("rewrites its own files and leaves anything else alone", () => {
  withTempDir((dir) => {
    writeFileSync(join(dir, "report.md"), "old report");
    writeFileSync(join(dir, "notes.txt"), "mine");
    writeOutputs(dir, sampleModel(), []);
    assert.equal(readFileSync(join(dir, "notes.txt"), "utf8"), "mine");
    assert.notEqual(readFileSync(join(dir, "report.md"), "utf8"), "old report");
  });
});

test("an output path that is a file is bad input naming the path", () => {
  withTempDir((dir) => {
    const file = join(dir, "taken");
    writeFileSync(file, "");
    assert.throws(
      () => writeOutputs(file, sampleModel(), []),
      (error: unknown) => error instanceof BadInputError && error.message === `output path is not a directory: ${file}`,
    );
  });
});
