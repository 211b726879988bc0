// Locating problems in the small files bka reads (bka.config.yaml/.json, baselines, .mcp.json):
// every error names file:line:column so the user can jump straight to it.
import { LineCounter, parseDocument, type Document } from "yaml";
import { BadInputError } from "../ingest/workspace/types.ts";

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface LocatedProblem extends Position {
  message: string;
  hint?: string;
}

/** One error listing every problem, each as `file:line:column: message` with an optional hint line. */
export function locatedError(file: string, problems: readonly LocatedProblem[]): BadInputError {
  const lines = problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ""}`);
  return new BadInputError(lines.join("\n"), file);
}

/** Line and column of a character offset in `text`. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: before.length - lineStart + 1 };
}

/**
 * JSON.parse with the failure located. Node 20 reports "… in JSON at position N" (Node 22 adds
 * the line and column); both are turned into a position, and the end of the text when none is given.
 */
export function parseJsonLocated(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = /at position (\d+)/.exec(message);
    const position = positionAt(text, offset ? Number(offset[1]) : text.length);
    const reason = message.replace(/\s*in JSON at position \d+.*$/, "").replace(/^Unexpected end of JSON input$/, "unexpected end of the file");
    throw locatedError(file, [{ ...position, message: `invalid JSON: ${reason}`, hint: "check for a missing or extra comma, quote or bracket here" }]);
  }
}

/** A parsed YAML (or JSON, which YAML reads too) document that can say where each value sits. */
export interface LocatedDocument {
  value: unknown;
  /** Position of the value at `path`, or of its nearest existing parent (the start of the file as a last resort). */
  positionOf(path: readonly PropertyKey[]): Position;
  /** Position of the key `key` inside the mapping at `path` (for keys that should not be there). */
  keyPositionOf(path: readonly PropertyKey[], key: string): Position;
}

/** Parses YAML; a syntax error throws a located BadInputError. */
export function parseYamlLocated(file: string, text: string): LocatedDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw locatedError(
      file,
      doc.errors.map((e) => ({ ...toPosition(lineCounter, e.pos[0]), message: `invalid YAML: ${e.message}`, hint: yamlHint(e.code) })),
    );
  }
  return {
    value: doc.toJS(),
    positionOf: (path) => toPosition(lineCounter, nodeStart(doc, path)),
    keyPositionOf(path, key) {
      const map = doc.getIn([...path], true) ?? (path.length === 0 ? doc.contents : undefined);
      const pair = isMapLike(map) ? map.items.find((item) => scalarValue(item.key) === key) : undefined;
      const start = rangeStart(pair?.key) ?? nodeStart(doc, path);
      return toPosition(lineCounter, start);
    },
  };
}

function toPosition(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function nodeStart(doc: Document, path: readonly PropertyKey[]): number {
  for (let length = path.length; length > 0; length--) {
    const start = rangeStart(doc.getIn(path.slice(0, length), true));
    if (start !== undefined) return start;
  }
  return rangeStart(doc.contents) ?? 0;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function isMapLike(node: unknown): node is { items: { key: unknown }[] } {
  return Array.isArray((node as { items?: unknown } | null | undefined)?.items);
}

function scalarValue(node: unknown): unknown {
  return (node as { value?: unknown } | null | undefined)?.value;
}

const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: "indent nested keys with spaces, consistently, under their parent",
  TAB_AS_INDENT: "YAML indentation must use spaces, not tabs",
  DUPLICATE_KEY: "each key may appear once per mapping; remove or merge the repeated one",
  MISSING_CHAR: "a bracket or quote is not closed",
  BLOCK_AS_IMPLICIT_KEY: "a key must fit on one line and end with a colon",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line and end with a colon",
  UNEXPECTED_TOKEN: "check the punctuation at this position",
};

function yamlHint(code: string): string {
  return YAML_HINTS[code] ?? "see https://yaml.org/spec/1.2.2/ for the syntax";
}
