import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUILT, PACKAGE_ROOT } from '../../package-root.ts';
import type { ComposedMail, MailInput } from './compose.ts';

/** A message built by the worker, or why it could not be. */
export type Composed = { ok: true; mail: ComposedMail } | { ok: false; error: string };

type WorkerResult = { ok: true; messageId: string; envelope: ComposedMail['envelope']; raw: string } | { ok: false; error: string };

/** One worker thread running `compose-worker-main.ts`. */
class ComposeWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { inputs: readonly MailInput[]; resolve: (results: Composed[]) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;

  constructor() {
    // Built: the worker's own entry beside this chunk; from the sources: through tsx.
    this.worker = new Worker(BUILT ? new URL('./compose-worker-main.js', import.meta.url) : path.join(PACKAGE_ROOT, 'src', 'runtime', 'deliver', 'compose-worker.js'));
    this.worker.on('message', ({ id, results }: { id: number; results: WorkerResult[] }) => {
      const pending = this.waiting.get(id);
      if (!pending) return;
      this.waiting.delete(id);
      pending.resolve(results.map((r, i): Composed => (r.ok ? { ok: true, mail: { key: pending.inputs[i]!.key, messageId: r.messageId, subject: pending.inputs[i]!.subject, envelope: r.envelope, raw: Buffer.from(r.raw, 'latin1') } } : r)));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the compose worker exited (code ${code})`)));
  }

  /** From now on every request is refused; those waiting are rejected. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }

  /** Builds the messages, in order. */
  compose(inputs: readonly MailInput[]): Promise<Composed[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (inputs.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { inputs, resolve, reject });
      try {
        this.worker.postMessage({ id, inputs });
      } catch (error) {
        this.waiting.delete(id);
        reject(error as Error);
      }
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('the compose worker was closed'));
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/**
 * Builds messages (`composeMail`) on worker threads, so that the main thread renders, checks and
 * writes the next ones meanwhile. Building a message (≈ 30 µs of CPU, ≈ 140 with nodemailer's
 * MIME tree when this pool was measured) is a large share of a delivery's CPU time, and in a
 * process holding a large store its garbage is expensive to collect; the worker's heap is small. The bytes are the same as built in process (`composeMail` is deterministic).
 *
 * If a worker fails, `compose` rejects: the caller builds those messages in process instead.
 */
export class ComposePool {
  private readonly workers: ComposeWorker[];

  constructor(size: number) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => new ComposeWorker());
  }

  /** Builds the messages, in order: an equal share on each worker. */
  async compose(inputs: readonly MailInput[]): Promise<Composed[]> {
    const share = Math.ceil(inputs.length / this.workers.length);
    const parts = await Promise.all(this.workers.map((worker, i) => worker.compose(inputs.slice(i * share, (i + 1) * share))));
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
