// Small helpers every emitter shares: deterministic ordering, location text, the band order and
// the run-confidence verdict, so every output says the same thing in the same order.
import { readFileSync } from "node:fs";
import type { ArchitectureModel, SourceLocation } from "../model/types.ts";
import { AREAS, BANDS, type Area, type Band, type Finding } from "../model/finding.ts";

/** Below this understanding a run may not present "no findings" as a clean bill of health. */
export const MIN_UNDERSTANDING_FOR_CLEAN_BILL = 60;

export const TOO_LITTLE_UNDERSTOOD =
  "bka understood too little of this project to give a clean bill of health";

import { compareText } from "../model/order.ts";

export { compareText };

export function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort(compareText);
}

/** "src/app.ts:12" — the form editors and terminals turn into links. */
export function fileLine(location: Pick<SourceLocation, "file" | "line">): string {
  return `${location.file}:${location.line}`;
}

/** Band rank: act (0) is the most certain; "at or above a band" means rank <= that band's rank. */
export function bandRank(band: Band): number {
  return BANDS.indexOf(band);
}

export type BandCounts = Record<Band, number>;

export function emptyBandCounts(): BandCounts {
  return { act: 0, decide: 0, ask: 0 };
}

/** Findings counted per area and band, every area and band present (zero when empty). */
export function countByAreaAndBand(findings: readonly Finding[]): Record<Area, BandCounts> {
  const counts = Object.fromEntries(AREAS.map((area) => [area, emptyBandCounts()])) as Record<Area, BandCounts>;
  for (const finding of findings) counts[finding.area][finding.band] += 1;
  return counts;
}

export function countByBand(findings: readonly Finding[]): BandCounts {
  const counts = emptyBandCounts();
  for (const finding of findings) counts[finding.band] += 1;
  return counts;
}

/**
 * A run that understood little must say so first instead of reporting "no issues": absence of
 * findings is then absence of evidence, not evidence of absence. Warnings alone (one router
 * mounted with a computed prefix) are listed, but do not make the whole run "too little".
 */
export function understoodTooLittle(model: ArchitectureModel): boolean {
  return model.coverage.understanding < MIN_UNDERSTANDING_FOR_CLEAN_BILL;
}

export interface PackageManifest {
  name: string;
  version: string;
  /** Where bka is documented: package.json "homepage", or its npm page when there is none. */
  homepage: string;
}

let cachedManifest: PackageManifest | undefined;

/** bka's own package.json, read as text so it works under tsx and when installed. */
export function packageManifest(): PackageManifest {
  if (cachedManifest === undefined) {
    const raw = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const name = typeof raw.name === "string" ? raw.name : "backend-architect";
    cachedManifest = {
      name,
      version: typeof raw.version === "string" ? raw.version : "0.0.0",
      homepage: typeof raw.homepage === "string" ? raw.homepage : `https://www.npmjs.com/package/${name}`,
    };
  }
  return cachedManifest;
}

export function packageVersion(): string {
  return packageManifest().version;
}

/** Recursively sorts object keys so serialised output does not depend on construction order. */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) {
    if (record[key] !== undefined) sorted[key] = withSortedKeys(record[key]);
  }
  return sorted;
}

/** 200000 → "200,000": by hand, so the output does not depend on the machine's locale. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole, fraction] = String(Math.round(value * 100) / 100).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/** A cost ratio as reports print it: whole above 10 ("211"), one decimal below ("4.2"). */
export function formatRatio(ratio: number): string {
  return ratio >= 10 ? formatNumber(Math.round(ratio)) : String(Math.round(ratio * 10) / 10);
}
