import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';

/** C0 and C1 control characters and DEL, but tab, CR and LF (white space, below). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
const WHITE_CONTROL = /[\t\r\n]/g;
/** More than 76 characters without a space: `foldLines` cannot break such a run. */
const LONG_WORD = /[^ ]{77}/;

/** A node only to ask which encoding nodemailer picks for a text (`_getTextEncoding` reads nothing else of it). */
const scratch = new MimeNode() as unknown as { _getTextEncoding(value: string): 'Q' | 'B' };

/**
 * The Subject to write into a message, when the rendered one would not make a valid header. A
 * subject comes from contact data (a first name), and nodemailer writes ASCII as it is: an ESC or
 * BEL went raw into the header (a terminal mail reader runs it; RFC 5322 allows printable ASCII
 * and white space there), and a 5,000-letter name made a 5,002-octet line (RFC 5322 2.1.1: 998 at
 * most), since folding breaks lines only at spaces (QA hostile f5). Control characters are dropped
 * (tab, CR and LF become spaces, as nodemailer makes a line break); a run of more than 76
 * characters without a space makes the whole subject RFC 2047 encoded words, which nodemailer
 * splits at 52 characters and folds, and which a mail client joins back into the same text.
 * Any other subject is returned as it is, so its bytes are what they always were.
 */
export function headerSafeSubject(subject: string): string {
  const safe = subject.replace(CONTROL, '').replace(WHITE_CONTROL, ' ');
  if (!LONG_WORD.test(safe)) return safe;
  return mimeFuncs.encodeWord(safe, scratch._getTextEncoding(safe), 52);
}
