import type { OutboxMessage } from '../../store/types.ts';
import { availableParallelism } from 'node:os';
import { composeMail } from './compose.ts';
import { ComposePool, type Composed } from './compose-pool.ts';
import type { ComposedMail, MailInput } from './compose.ts';
import type { DeliverOutboxOptions } from './deliver-outbox.ts';
import { cannotBuild, check, isInput, settle, subjectChange, type Outcome } from './deliver-one.ts';
import type { LedgerWriter } from './ledger.ts';
import type { DeliveryContext } from './may-deliver.ts';
import type { SendResult } from './transports.ts';

/** Messages a batching transport delivers at once (and ledger records written together). */
const BATCH = 250;

/**
 * Messages per chunk from `LARGE_FROM` messages on. Each chunk ends with a sync of the file system
 * (two `sync -f`, `FileSystemSync`) and of the folder, whose cost hardly depends on the chunk's size:
 * 6,168 team notifications (a 100k-contact store's segments and scores after 1M events) spent
 * 1.3–2.5 s waiting for 25 syncs in chunks of 250, 0.5–1.5 s for 7 in chunks of 1,000.
 */
const LARGE_BATCH = 1000;
const LARGE_FROM = 2000;

/**
 * From this many messages, building them on workers repays their start. A message takes ≈ 30 µs
 * to build, a worker's start ≈ 0.5 s of CPU (≈ 1.2 s from the sources, through tsx): those 6,168
 * notifications took 1.0–1.4 s of CPU built in process, 1.6–2.9 s with two workers, and no less
 * wall time on two shared processors.
 */
const WORKER_MIN = 10_000;

/**
 * Workers building messages (at most one per processor). Two on a 2-processor machine, where the
 * main thread mostly waits for the file system: 35k messages on tmpfs took 0.31–0.39 ms each built
 * in process, 0.24–0.29 ms with one worker, 0.19–0.23 ms with two.
 */
const COMPOSE_WORKERS = 2;

/**
 * Delivers `batch` through a batching, idempotent transport (`sendBatch`), filling `outcomes`:
 * many messages at once (the outbox: written, then made durable together); each chunk's ledger
 * records follow its durable files. The next chunk is built while one is written. Large
 * deliveries build their messages on worker threads (`ComposePool`). `progress` is told after
 * each chunk.
 */
export async function deliverInChunks(
  batch: readonly OutboxMessage[],
  outcomes: Outcome[],
  ctx: DeliveryContext,
  options: DeliverOutboxOptions,
  ledger: LedgerWriter,
  outboxDir: string | undefined,
  progress: (done: number) => void,
): Promise<void> {
  const transport = options.transport;
  const useWorker = options.composeInWorker ?? (batch.length >= WORKER_MIN && availableParallelism() > 1);
  const pool = useWorker ? new ComposePool(Math.min(COMPOSE_WORKERS, availableParallelism())) : null;
  const size = batch.length >= LARGE_FROM ? LARGE_BATCH : BATCH;
  try {
    let chunk: Chunk | null = await composeChunk(batch, 0, size, outcomes, ctx, options, ledger, pool);
    while (chunk) {
      const sending = sendChunk(batch, chunk, outcomes, options, ledger);
      const next: Promise<Chunk | null> = chunk.to < batch.length ? composeChunk(batch, chunk.to, size, outcomes, ctx, options, ledger, pool) : Promise.resolve(null);
      // Settled either way before anything else is awaited: no rejection goes unhandled.
      const [sent, built] = await Promise.allSettled([sending, next]);
      if (sent.status === 'rejected') throw sent.reason;
      if (built.status === 'rejected') throw built.reason;
      // The transport's own files prove delivery (`foldLedger`): their `sent` records are written
      // after the files are durable and need no fsync of their own; the ledger's close syncs them.
      // (A `failed` record lost to a power cut means one more attempt: the outbox is idempotent.)
      await ledger.flush(transport.outboxDir === undefined || transport.outboxDir !== outboxDir);
      progress(chunk.to);
      chunk = built.value;
    }
  } finally {
    await pool?.close();
  }
}

/** A chunk of the batch, built: its mails and their positions in the batch. */
interface Chunk {
  to: number;
  mails: ComposedMail[];
  positions: number[];
}

/** Builds the messages on the pool's workers when there is one, else (or if they fail) in process: the same bytes. */
async function composeAll(inputs: readonly MailInput[], pool: ComposePool | null): Promise<Composed[]> {
  if (pool) {
    try {
      return await pool.compose(inputs);
    } catch {
      // A worker failed: build them here.
    }
  }
  const results: Composed[] = [];
  for (const input of inputs) results.push(await composeMail(input).then((mail): Composed => ({ ok: true, mail }), (error: Error): Composed => ({ ok: false, error: error.message })));
  return results;
}

/**
 * Checks and builds the messages of `batch[from..from + size)` (`composeAll`); those that will
 * not go get their outcome.
 */
async function composeChunk(
  batch: readonly OutboxMessage[],
  from: number,
  size: number,
  outcomes: Outcome[],
  ctx: DeliveryContext,
  options: DeliverOutboxOptions,
  ledger: LedgerWriter,
  pool: ComposePool | null,
): Promise<Chunk> {
  const to = Math.min(batch.length, from + size);
  const mails: ComposedMail[] = [];
  const positions: number[] = [];
  const inputs: MailInput[] = [];
  const inputAt: number[] = [];
  for (let i = from; i < to; i++) {
    const input = check(batch[i]!, ctx, options, ledger);
    if (isInput(input)) {
      inputs.push(input);
      inputAt.push(i);
    } else outcomes[i] = input;
  }
  const composed = await composeAll(inputs, pool);
  composed.forEach((result, j) => {
    const i = inputAt[j]!;
    if (!result.ok) outcomes[i] = cannotBuild(batch[i]!, result.error, ledger);
    else {
      mails.push(result.mail);
      positions.push(i);
    }
  });
  return { to, mails, positions };
}

/** Delivers a built chunk through the transport's `sendBatch`, filling `outcomes` (and the ledger's buffer). */
async function sendChunk(batch: readonly OutboxMessage[], chunk: Chunk, outcomes: Outcome[], options: DeliverOutboxOptions, ledger: LedgerWriter): Promise<void> {
  const { mails, positions } = chunk;
  if (mails.length === 0) return;
  const transport = options.transport;
  // A message going out with another subject than the one scheduled: its subject is in the ledger
  // before its file can exist, so that a crash in between settles it with that subject.
  let changed = false;
  positions.forEach((i, j) => {
    const subject = subjectChange(batch[i]!, mails[j]!);
    if (subject.subject === undefined) return;
    ledger.append({ key: mails[j]!.key, state: 'attempt', at: options.now, transport: transport.name, ...subject });
    changed = true;
  });
  if (changed) await ledger.flush(false);
  let results: SendResult[];
  try {
    results = await transport.sendBatch!(mails);
  } catch (error) {
    const failed: SendResult = { status: 'failed', error: `the ${transport.name} transport failed unexpectedly: ${(error as Error).message}` };
    results = mails.map(() => failed);
  }
  positions.forEach((i, j) => (outcomes[i] = settle(batch[i]!, mails[j]!, results[j]!, options, ledger)));
}
