// Ordering that is the same on every machine. `localeCompare` depends on the ICU data and the
// default locale (LANG), so two machines could sort the same paths differently; code-point
// order cannot.
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
