import { createHash } from 'node:crypto';

/**
 * Stable pseudo-random assignment per contact: the same contact always lands in the same split
 * variant and the same side of a holdout, on every machine and every run.
 */
export function bucket(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/** Picks a variant by weights (percentages). */
export function pickVariant<T extends { id: string; weight: number }>(variants: readonly T[], point: number): T | undefined {
  let acc = 0;
  for (const variant of variants) {
    acc += variant.weight;
    if (point < acc) return variant;
  }
  return variants.filter((v) => v.weight > 0).at(-1);
}
