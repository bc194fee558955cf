// The compose pool's worker from the sources (`compose-pool.ts`): plain JavaScript, since a worker
// starts without the main thread's TypeScript loader; registers tsx, then runs the worker itself
// (`compose-worker-main.ts`, which the built CLI runs directly).
import { register } from 'tsx/esm/api';

register();
await import('./compose-worker-main.ts');
