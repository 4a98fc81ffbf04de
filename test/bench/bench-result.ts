/** One benchmark figure, printed as a JSON line: the headline value plus any context fields. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  [k: string]: unknown;
}
