// A design decision with a measured confidence: ≥ 90 the designer applies it, 70–89 it becomes an
// ADR (the choice is the designer's recommendation but a human should confirm the trade-off),
// < 70 it is missing information and becomes a question.
import { bandOf, type Band } from "../model/finding.ts";

export interface DesignOption {
  name: string;
  pros: string[];
  cons: string[];
}

export interface Decision {
  /** Stable kebab-case id, also the ADR file's title part. */
  id: string;
  title: string;
  confidence: number;
  context: string;
  options: DesignOption[];
  /** The chosen option's name and why. */
  recommendation: string;
}

export function decisionBand(decision: Decision): Band {
  return bandOf(decision.confidence);
}

export function sortDecisions(decisions: readonly Decision[]): Decision[] {
  return [...decisions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
