import type { Writable } from 'node:stream';

/** Reports progress of a long step; `done` clears it. */
export interface Progress {
  /** A status line for a step without a count (e.g. "Reading contacts.csv…"). */
  note(text: string): void;
  update(done: number, total: number): void;
  done(): void;
}

const SILENT: Progress = { note: () => undefined, update: () => undefined, done: () => undefined };

/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms — only when stderr is a TTY and
 * the work is large (`total` ≥ `threshold`); otherwise it prints nothing.
 */
export function progressBar(stream: Writable & { isTTY?: boolean }, label: string, options: { threshold?: number } = {}): Progress {
  if (!stream.isTTY) return SILENT;
  const threshold = options.threshold ?? 5_000;
  let last = 0;
  let shown = false;
  return {
    note(text) {
      shown = true;
      stream.write(`\r${text}\x1b[K`);
    },
    update(done, total) {
      if (total < threshold) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const width = 30;
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(`\r${label} ${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
