// `bka design`: writes the design files, byte-identical across runs; a bad file exits 2 with
// its errors located.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/main.ts";
import { EXIT } from "../../src/cli/exit-codes.ts";

function capture() {
  const stream = { text: "", write(chunk: string) { stream.text += chunk; return true; } };
  return stream;
}

function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[path.slice(dir.length + 1)] = readFileSync(path, "utf8");
    }
  }
  return files;
}

describe("bka design", () => {
  it("writes schema.sql, openapi.yaml, design.md, ADRs and questions, identically on a second run", async () => {
    const root = mkdtempSync(join(tmpdir(), "bka-design-"));
    try {
      const outputs = [];
      for (const name of ["a", "b"]) {
        const stdout = capture();
        const stderr = capture();
        const code = await run(["design", "examples/requirements/shop.yaml", "--out", join(root, name), "--rows", "2000"], { stdout, stderr, env: {} });
        assert.equal(code, EXIT.ok, stderr.text);
        assert.equal(stderr.text, "");
        outputs.push(filesUnder(join(root, name)));
      }
      const [first, second] = outputs;
      assert.deepEqual(Object.keys(first).sort(), [
        "CAPACITY.md", "IMPLEMENTATION.md", "RELIABILITY.md", "SECURITY.md",
        "adr/0001-dependencies-off-request-path.md", "adr/0002-partition-order-items.md", "adr/0003-pii-erasure.md", "adr/0004-primary-keys.md", "adr/0005-read-cache.md", "adr/0006-read-replicas.md",
        "architecture.mmd", "design.md", "er.mmd", "openapi.yaml", "questions.md", "schema.sql",
      ]);
      assert.deepEqual(second, first);
      assert.match(first["design.md"], /Every access pattern that reads rows uses an index\./);
      assert.match(first["design.md"], /\| my_orders \| Limit → Index Scan \| orders_customer_id_placed_at_id_idx \| /);
      assert.match(first["schema.sql"], /^-- shop: the schema bka designed from the requirements\.\n/);
      assert.match(first["adr/0004-primary-keys.md"], /^# 0004\. Primary keys: UUIDv7 or identity\n/);
      assert.equal(first["design.md"].includes(root), false, "no machine path in the output");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("exits 2 with every error located for a bad requirements file", async () => {
    const root = mkdtempSync(join(tmpdir(), "bka-design-bad-"));
    try {
      const file = join(root, "req.yaml");
      writeFileSync(file, "service: { name: shop }\nactors: [{ name: a }]\nentities: []\n");
      const stderr = capture();
      const code = await run(["design", file, "--out", join(root, "out"), "--no-verify"], { stdout: capture(), stderr, env: {} });
      assert.equal(code, EXIT.badInput);
      assert.equal(stderr.text, [
        `bka: ${file}:1:1: accessPatterns is missing`,
        '  hint: add "accessPatterns" (array)',
        `${file}:3:11: entities needs at least 1 item`,
        "  hint: see docs/requirements.schema.json",
        "",
      ].join("\n"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
