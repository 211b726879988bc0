// Schema conversion, written once: a symbolic value that spells a JSON Schema literal (Fastify
// route schemas, shared schema constants imported from another file) becomes plain JSON.
import type { JsonSchema } from "../../model/types.ts";
import { own, type Sym } from "../js/sym.ts";
import type { ProjectIndex } from "../link/project-index.ts";

const MAX_DEPTH = 12;

export function symToJson(sym: Sym, index: ProjectIndex): JsonSchema | undefined {
  const value = toJson(sym, index, 0);
  return value && typeof value === "object" && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function toJson(sym: Sym, index: ProjectIndex, depth: number): unknown {
  if (depth > MAX_DEPTH) return undefined;
  const s = index.resolve(sym);
  switch (s.k) {
    case "lit":
      return s.value;
    case "arr":
      return s.items.map((i) => toJson(i, index, depth + 1)).filter((v) => v !== undefined);
    case "obj": {
      const out: Record<string, unknown> = {};
      for (const spread of s.spreads) {
        const base = toJson(spread, index, depth + 1);
        if (base && typeof base === "object" && !Array.isArray(base)) Object.assign(out, base);
      }
      for (const key of Object.keys(s.props)) {
        const v = toJson(own(s.props, key)!, index, depth + 1);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}
