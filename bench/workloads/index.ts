import type { Workload } from '../lib/workload.ts';
import { compileWorkload } from './compile.ts';
import { importWorkload } from './import.ts';
import { planWorkload } from './plan.ts';
import { previewWorkload } from './preview.ts';
import { runtimeWorkload } from './runtime.ts';
import { segmentsWorkload } from './segments.ts';
import { storeWorkload } from './store.ts';

/** Every workload, in the order they run. */
export const WORKLOADS: Workload[] = [compileWorkload, segmentsWorkload, storeWorkload, importWorkload, planWorkload, previewWorkload, runtimeWorkload];
