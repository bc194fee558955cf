import type { Writable } from 'node:stream';

/** Writes chunks to a stream, waiting for it to drain (large exports and reports to a pipe). */
export async function writeChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}
