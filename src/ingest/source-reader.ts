// Reads source lines for evidence. Snippets are always taken from the real file, so every
// code evidence line contains its snippet by construction.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceLocation } from "../model/types.ts";
import type { CodeEvidence } from "../model/finding.ts";

const MAX_SNIPPET = 240;

export class SourceReader {
  private readonly lines = new Map<string, string[] | null>();
  constructor(private readonly root: string) {}

  /** The text of a 1-based line, or undefined when the file or line does not exist. */
  line(file: string, line: number): string | undefined {
    let lines = this.lines.get(file);
    if (lines === undefined) {
      try {
        lines = readFileSync(join(this.root, file), "utf8").split(/\r?\n/);
      } catch {
        lines = null;
      }
      this.lines.set(file, lines);
    }
    return lines?.[line - 1];
  }

  evidence(location: SourceLocation, label?: string): CodeEvidence {
    const text = (this.line(location.file, location.line) ?? "").trim();
    const snippet = text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text;
    return { kind: "code", file: location.file, line: location.line, column: location.column, snippet, ...(label ? { label } : {}) };
  }
}
