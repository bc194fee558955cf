import type { CaseResult } from './harness.ts';

/** What every case of a run shares (from the command line). */
export interface RunContext {
  runs: number;
  /** Per measurement: stop repeating past this many ms of samples. */
  budgetMs: number;
  seed: number;
  quick: boolean;
  /** A scratch directory of the worker, removed afterwards. */
  tmp: string;
}

/** One case: a workload at one size. Plain JSON (it crosses into the worker process). */
export interface CaseSpec {
  workload: string;
  label: string;
  params: Record<string, number>;
}

export interface Sizes {
  contacts: number[];
  /** Runtime workload. */
  runtimeContacts: number;
  runtimeEvents: number;
  planContacts: number;
  /** Compile workload: generated campaign modules added to the example. */
  modules: number;
  /** Import workload: CSV rows. */
  importRows: number;
  /** Preview workload: contacts (and three events each). */
  previewContacts: number;
}

export interface Workload {
  name: string;
  /** One line for the table's legend. */
  description: string;
  cases(sizes: Sizes): CaseSpec[];
  run(spec: CaseSpec, ctx: RunContext): Promise<CaseResult>;
}
