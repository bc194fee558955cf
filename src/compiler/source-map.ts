/**
 * Just enough of the source map v3 format to map a stack frame of a bundled module back to the
 * campaign module it came from (for CK003: a module that throws while loading).
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((ch, i) => [ch, i]));

export interface RawSourceMap {
  sources: string[];
  mappings: string;
}

export interface MappedPosition {
  source: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = DIGIT.get(ch) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** Maps a 1-based generated line/column to the original position (the closest segment at or before it). */
export function originalPosition(map: RawSourceMap, line: number, column: number): MappedPosition | null {
  let source = 0;
  let origLine = 0;
  let origColumn = 0;
  const lines = map.mappings.split(';');
  for (let l = 0; l < lines.length && l < line; l++) {
    let genColumn = 0;
    let best: MappedPosition | null = null;
    for (const segment of lines[l]!.split(',')) {
      if (!segment) continue;
      const v = decodeSegment(segment);
      genColumn += v[0] ?? 0;
      if (v.length >= 4) {
        source += v[1]!;
        origLine += v[2]!;
        origColumn += v[3]!;
        if (l === line - 1 && genColumn <= column - 1) {
          best = { source: map.sources[source] ?? '', line: origLine + 1, column: origColumn + 1 };
        }
      }
    }
    if (l === line - 1) return best;
  }
  return null;
}
