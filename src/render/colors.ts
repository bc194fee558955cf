import pc from 'picocolors';

/** Colour functions; identity when colour is off (not a TTY, NO_COLOR, --no-color). */
export type Colors = Pick<typeof pc, 'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold' | 'magenta' | 'blue'>;

const plain = (text: string | number | null | undefined) => String(text ?? '');

export function colors(enabled: boolean): Colors {
  if (enabled) return pc.createColors(true);
  return { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain, magenta: plain, blue: plain };
}
