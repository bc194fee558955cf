import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, suppressionHash, writeStore } from '../../src/store/index.ts';
import { ROOT, runtimeCliWorkspace } from '../helpers/runtime-cli.ts';

/**
 * `campaign track`, `events ingest`, `run` and `contact` in-process, on the example workspace and
 * a small slice of the fixtures (the same store is set up once and copied per test).
 */

const { cli, cliOn, copyBase } = runtimeCliWorkspace();

describe('campaign track', () => {
  it('appends a valid event to the journal and refuses bad ones with one line, writing nothing', async () => {
    const dir = copyBase();
    const ok = await cli(dir, 'track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/pricing"}', '--at', '2026-08-02T10:00:00Z', '--store', 'store.json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Accepted page\.viewed for c_000001 at 2026-08-02T10:00:00\.000Z/);
    const journal = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    // The header, the event and the append's commit line.
    expect(journal.trim().split('\n')).toHaveLength(3);
    for (const [argv, message] of [
      [['track', 'page.viewd', '--contact', 'c_000001'], /unknown event "page\.viewd"/],
      [['track', 'page.viewed', '--contact', 'nobody@nowhere.example', '--data', '{"url":"/"}'], /unknown contact "nobody@nowhere\.example"/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":1}'], /"data\.url"/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{url}'], /--data is not valid JSON/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/","__proto__":{"x":1}}'], /not allowed/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--at', 'yesterday'], /"at"/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--at', '2026-02-30T00:00:00Z'], /"at": "2026-02-30T00:00:00Z" is not an ISO 8601 date-time/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--at', '1900-10-31T00:00:00Z'], /"at": 1900-10-31T00:00:00Z is before 1970/],
      [['track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--at', '9999-10-31T00:00:00Z'], /more than ten years after now/],
      [['track', '__proto__', '--contact', 'c_000001'], /unknown event "__proto__"/],
      [['track', 'toString', '--contact', 'c_000001'], /unknown event "toString"/],
    ] as const) {
      const result = await cli(dir, ...argv, '--store', 'store.json');
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).toBe(journal);
  });
});

describe('campaign events ingest', () => {
  it('shows its progress on a terminal for large files only, and clears the line', async () => {
    const dir = copyBase();
    const rows = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const big = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ ...rows[i % rows.length], id: `big-${i}` }));
    writeFileSync(path.join(dir, 'big.jsonl'), `${big.join('\n')}\n`);
    const tty = await cliOn({ env: {}, stderrTTY: true }, dir, 'events', 'ingest', 'big.jsonl', '--store', 'store.json');
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('Checking big.jsonl');
    expect(tty.stderr).toContain('0/6,000');
    expect(tty.stderr).toContain('Writing 6,000 events to the journal…');
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(tty.stdout).toContain('Accepted 6,000 events');
    const small = await cliOn({ env: {}, stderrTTY: true }, dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json');
    expect(small.stderr).toBe('');
    const piped = await cli(dir, 'events', 'ingest', 'big.jsonl', '--store', 'store.json');
    expect(piped.stderr).toBe('');
  });

  it('track says when its event repeats the id of one accepted before: in the journal, then in the store after a run', async () => {
    const dir = copyBase();
    const track = () => cli(dir, 'track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/again"}', '--at', '2026-11-01T10:00:00Z', '--now', '2026-11-01T11:00:00Z', '--store', 'store.json');
    const tracked = await track();
    expect(tracked.stdout).toMatch(/^Accepted page\.viewed for c_000001 at 2026-11-01T10:00:00\.000Z \(e_[0-9a-f]+\); `campaign run` will process it\.\n$/);
    expect((await track()).stdout).toContain('; it repeats the id of an event seen before (in the journal), and `campaign run` keeps one event per id, so it adds none.\n');
    expect((await cli(dir, 'run', '--now', '2026-11-01T12:00:00Z', '--store', 'store.json')).stdout).toContain('1 event processed (1 duplicate ignored)');
    expect((await track()).stdout).toContain('(in the store)');
  });

  it('says how many events repeat the id of one seen before: in the journal, in the store after a run, or earlier in the file', async () => {
    const dir = copyBase();
    const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const n = lines.length.toLocaleString('en-US');
    const first = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json');
    expect(first.stdout).toBe(`Accepted ${n} events from events.jsonl; \`campaign run\` will process them.\n`);
    const again = await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`Accepted ${n} events from events.jsonl, but each repeats the id of an event seen before (${n} in the journal); \`campaign run\` keeps one event per id, so they add none.\n`);
    // The run agrees: it counts each of them as a duplicate.
    const ran = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`(${n} duplicates ignored)`);
    const fresh = '{"id":"fresh-1","event":"page.viewed","contact":"c_000001","at":"2026-11-02T10:00:00Z","data":{"url":"/new"}}';
    writeFileSync(path.join(dir, 'mixed.jsonl'), [lines[0], lines[1], fresh, fresh].join('\n'));
    const mixed = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--store', 'store.json', '--now', '2026-11-02T12:00:00Z');
    expect(mixed.stdout).toBe('Accepted 4 events from mixed.jsonl; 3 repeat the id of an event seen before (2 in the store, 1 earlier in the file) and `campaign run` keeps one event per id, so it will process 1.\n');
    const next = await cli(dir, 'run', '--now', '2026-11-03T00:00:00Z', '--store', 'store.json', '--format', 'json');
    expect(JSON.parse(next.stdout).stats).toMatchObject({ events: 1, duplicateEvents: 3 });
  });

  it('accepts nothing from a file with a bad row, unless --skip-invalid', async () => {
    const dir = copyBase();
    const good = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').slice(0, 5);
    const bad = [
      '{"event":"nope","contact":"c_000001","data":{}}',
      'not json',
      '{"event":"page.viewed","contact":"c_000001","data":{"url":"/"},"source":"crm"}',
      '{"__proto__":{"admin":true},"event":"page.viewed","contact":"c_000001","data":{"url":"/"}}',
      '{"event":"page.viewed","contact":"c_000001","data":{"url":"/","a":{"__proto__":1}}}',
    ];
    // A blank line and a Windows line end are not rows.
    writeFileSync(path.join(dir, 'mixed.jsonl'), [...good.slice(0, 2), ...bad, '', `${good[2]}\r`, ...good.slice(3)].join('\n'));
    const refused = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--store', 'store.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('mixed.jsonl:3: unknown event "nope"');
    expect(refused.stderr).toContain('mixed.jsonl:4: not valid JSON');
    expect(refused.stderr).toContain('mixed.jsonl:5: unknown key "source"');
    expect(refused.stderr).toContain('mixed.jsonl:6: key "__proto__" is not allowed');
    expect(refused.stderr).toContain('mixed.jsonl:7: key "data.a.__proto__" is not allowed');
    expect(refused.stderr).toContain('5 of 10 events are invalid; nothing was accepted');
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    const skipped = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('Accepted 5 events');
    const rejects = readFileSync(path.join(dir, 'mixed.rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('refuses --rejects naming the journal, the store or a folder, accepting nothing', async () => {
    const dir = copyBase();
    const good = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').slice(0, 3);
    writeFileSync(path.join(dir, 'first.jsonl'), `${good[0]}\n`);
    expect((await cli(dir, 'events', 'ingest', 'first.jsonl', '--store', 'store.json')).code).toBe(0);
    writeFileSync(path.join(dir, 'mixed.jsonl'), [good[1], 'not json', good[2]].join('\n'));
    const journal = readFileSync(path.join(dir, 'journal.jsonl'));
    const store = readFileSync(path.join(dir, 'store.json'));
    for (const [target, what] of [['journal.jsonl', "the store's event journal"], ['store.json', 'the store']]) {
      const refused = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--skip-invalid', '--rejects', target!, '--store', 'store.json');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`error: --rejects names ${what} ("${target}"); write to another file. Nothing was written.\n`);
    }
    mkdirSync(path.join(dir, 'a-folder'));
    const folder = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--skip-invalid', '--rejects', 'a-folder', '--store', 'store.json');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/\nerror: Cannot write the rejected rows to "a-folder": EISDIR: [^\n]*; nothing was accepted\.\n$/);
    // The file being ingested: its rows would be replaced by the rejected ones.
    const mixed = readFileSync(path.join(dir, 'mixed.jsonl'));
    const input = await cli(dir, 'events', 'ingest', 'mixed.jsonl', '--skip-invalid', '--rejects', './mixed.jsonl', '--store', 'store.json');
    expect(input.code).toBe(1);
    expect(input.stderr).toBe('error: --rejects names the file being ingested ("mixed.jsonl"); write the rejected rows to another file. Nothing was written.\n');
    expect(readFileSync(path.join(dir, 'mixed.jsonl')).equals(mixed)).toBe(true);
    // Without --skip-invalid no rejects file is written: --rejects alone would be ignored without a word.
    const alone = await cli(dir, 'events', 'ingest', 'first.jsonl', '--rejects', 'rejects.jsonl', '--store', 'store.json');
    expect(alone.code).toBe(1);
    expect(alone.stderr).toBe('error: --rejects names where --skip-invalid writes the rejected rows; add --skip-invalid, or leave --rejects out.\n');
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journal)).toBe(true);
    expect(readFileSync(path.join(dir, 'store.json')).equals(store)).toBe(true);
  });
});

describe('campaign events ingest, interrupted', () => {
  it('on Ctrl-C while checking, removes the accepted rows it held and says nothing was accepted (QA: it exited silently and left them)', async () => {
    const dir = copyBase();
    const rows = Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ id: `e${i}`, event: 'page.viewed', contact: 'c_000001', at: '2026-10-01T00:00:00Z', data: { url: `/p/${i}` } }));
    writeFileSync(path.join(dir, 'big.jsonl'), `${rows.join('\n')}\n`);
    const child = spawn(process.execPath, [path.join(ROOT, 'cli/campaign.js'), 'events', 'ingest', 'big.jsonl', '--store', 'store.json', '--workspace', path.join(ROOT, 'campaigns')], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // 'close', not 'exit': only then has all of its stderr been read (a run read it empty, once).
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    // The rows accepted so far wait in a spill file beside the journal: interrupt once it is there.
    const spill = () => readdirSync(dir).some((name) => name.endsWith('.ingest'));
    const deadline = Date.now() + 20_000;
    while (!spill() && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(spill(), 'the spill file appeared').toBe(true);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(stderr).toBe('\nSIGINT: campaign events ingest stopped while checking big.jsonl: nothing was accepted.\n');
    expect(readdirSync(dir).filter((name) => name.includes('journal'))).toEqual([]);
  }, 60_000);
});

describe('campaign events ingest: rows and files it refuses', () => {
  it('checks an id given twice the same way whether its rows are in the plain form or not (spaces, escapes)', async () => {
    const dir = copyBase();
    const plain = '{"id":"e_1","event":"page.viewed","contact":"c_000001","at":"2026-08-02T10:00:00.000Z","data":{"url":"/a"}}';
    const spaced = '{ "id": "e_\\u0031", "event": "page.viewed", "contact": "c_000001", "at": "2026-08-02T10:00:00Z", "data": { "url": "/a" } }';
    const other = '{"id":"e_1","event":"page.viewed","contact":"c_000002","at":"2026-08-02T10:00:00.000Z","data":{"url":"/a"}}';
    const otherSpaced = '{ "id": "e_1", "event": "page.viewed", "contact": "c_000001", "at": "2026-08-02T10:00:00Z", "data": { "url": "/b" } }';
    writeFileSync(path.join(dir, 'ids.jsonl'), [spaced, plain, other, otherSpaced].join('\n'));
    const ids = await cli(dir, 'events', 'ingest', 'ids.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(ids.code).toBe(0);
    expect(ids.stderr).toContain('ids.jsonl:3: "id": "e_1" is also the id of line 1, a different event; give each event its own id');
    expect(ids.stderr).toContain('ids.jsonl:4: "id": "e_1" is also the id of line 1, a different event; give each event its own id');
    expect(ids.stderr).not.toContain('ids.jsonl:2');
    expect(ids.stdout).toContain('Accepted 2 events from ids.jsonl (2 rejected); 1 repeats the id of an event seen before (1 earlier in the file)');
  });

  it('names the row of an event called like an Object property or of an id reused for another event, and refuses a directory', async () => {
    const dir = copyBase();
    writeFileSync(path.join(dir, 'odd.jsonl'), ['{"event":"toString","contact":"c_000001","data":{}}', '{"event":"__proto__","contact":"c_000001","data":{}}'].join('\n'));
    const odd = await cli(dir, 'events', 'ingest', 'odd.jsonl', '--store', 'store.json');
    expect(odd.code).toBe(1);
    expect(odd.stderr).toContain('odd.jsonl:1: unknown event "toString"');
    expect(odd.stderr).toContain('odd.jsonl:2: unknown event "__proto__"');
    const same = '{"id":"e_1","event":"page.viewed","contact":"c_000001","at":"2026-08-02T10:00:00Z","data":{"url":"/a"}}';
    writeFileSync(path.join(dir, 'ids.jsonl'), [same, same, '{"id":"e_1","event":"page.viewed","contact":"c_000002","at":"2026-08-02T10:00:00Z","data":{"url":"/a"}}'].join('\n'));
    const ids = await cli(dir, 'events', 'ingest', 'ids.jsonl', '--store', 'store.json');
    expect(ids.code).toBe(1);
    expect(ids.stderr).toContain('ids.jsonl:3: "id": "e_1" is also the id of line 1, a different event; give each event its own id');
    expect(ids.stderr).not.toContain('ids.jsonl:2');
    mkdirSync(path.join(dir, 'events'));
    const folder = await cli(dir, 'events', 'ingest', 'events', '--store', 'store.json');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe('error: "events" is not a file; give the JSONL file of events.\n');
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
  });

  it('refuses a row with a NUL character, escaped or raw, naming its line and field; --skip-invalid rejects just that row', async () => {
    const dir = copyBase();
    const good = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').slice(0, 3);
    const escaped = '{"event":"page.viewed","contact":"c_000001","data":{"url":"/a\\u0000b"}}';
    const raw = '{"event":"page.viewed","contact":"c_000001","data":{"url":"/a\u0000b"}}';
    writeFileSync(path.join(dir, 'nul.jsonl'), [good[0], escaped, good[1], raw, good[2]].join('\n'));
    const refused = await cli(dir, 'events', 'ingest', 'nul.jsonl', '--store', 'store.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trimEnd().split('\n')).toEqual([
      'nul.jsonl:2: "data.url": contains a NUL character (U+0000); remove it',
      'nul.jsonl:4: a NUL character (U+0000) at column 62; remove it',
      'error: 2 of 5 events are invalid; nothing was accepted. Fix them, or pass --skip-invalid to accept the rest.',
    ]);
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    const skipped = await cli(dir, 'events', 'ingest', 'nul.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('Accepted 3 events');
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')).not.toContain('\\u0000');
    const tracked = await cli(dir, 'track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/a\\u0000"}', '--store', 'store.json');
    expect(tracked.code).toBe(1);
    expect(tracked.stderr).toBe('error: page.viewed: "data.url": contains a NUL character (U+0000); remove it.\n');
  });

  it('refuses data nested 100,000 deep in one line per row, not a stack trace (ingest, --skip-invalid, track)', async () => {
    const dir = copyBase();
    const deep = `{"url":"/","x":${'{"a":'.repeat(100_000)}{"b":"\\u0000"}${'}'.repeat(100_000)}}`;
    writeFileSync(path.join(dir, 'deep.jsonl'), `{"event":"page.viewed","contact":"c_000001","data":${deep}}\n`);
    const refused = await cli(dir, 'events', 'ingest', 'deep.jsonl', '--store', 'store.json');
    expect(refused.code).toBe(1);
    // The 200,008-character path is clipped in the error line.
    expect(refused.stderr).toMatch(/^deep\.jsonl:1: "data\.x(\.a){37}…" \(200008 characters\): contains a NUL character \(U\+0000\); remove it\nerror: 1 of 1 events are invalid/);
    // With --skip-invalid the row is rejected, not a stack trace; a file of no valid row is refused.
    const skipped = await cli(dir, 'events', 'ingest', 'deep.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(skipped.code, skipped.stderr).toBe(1);
    expect(skipped.stderr).toContain('error: Every row of deep.jsonl is invalid (1 row); nothing was accepted.');
    expect(readFileSync(path.join(dir, 'deep.rejects.jsonl'), 'utf8')).toContain('"line":1');
    const tracked = await cli(dir, 'track', 'page.viewed', '--contact', 'c_000001', '--data', deep.replace('\\u0000', ''), '--store', 'store.json');
    expect(tracked.code).toBe(1);
    // (Refused for its depth before zod, which recurses, looks at its keys.)
    expect(tracked.stderr).toBe('error: page.viewed: "data.x": nests deeper than 64 levels of objects and arrays; flatten it.\n');
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
  });

  it('refuses a file that is not UTF-8 in one line naming its line and column; --skip-invalid rejects just those rows (QA); a byte-order mark is fine', async () => {
    const dir = copyBase();
    const good = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').slice(0, 4);
    const bad = Buffer.concat([Buffer.from('{"event":"page.viewed","contact":"c_000001","data":{"url":"/'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]);
    writeFileSync(path.join(dir, 'bytes.jsonl'), Buffer.concat([Buffer.from(`${good.slice(0, 2).join('\n')}\n`), bad, Buffer.from(`\n${good.slice(2).join('\n')}\n`)]));
    const run = await cli(dir, 'events', 'ingest', 'bytes.jsonl', '--store', 'store.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('error: bytes.jsonl:3: not valid UTF-8 (byte 0xFF at column 61); save the file as UTF-8\n');
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('rejects'))).toEqual([]);
    const skipped = await cli(dir, 'events', 'ingest', 'bytes.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain('bytes.jsonl:3: not valid UTF-8 (byte 0xFF at column 61); save the file as UTF-8\n');
    expect(skipped.stdout).toContain('Accepted 4 events from bytes.jsonl (1 rejected)');
    const rejects = readFileSync(path.join(dir, 'bytes.rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; error: string });
    expect(rejects).toMatchObject([{ line: 3, error: 'not valid UTF-8 (byte 0xFF at column 61); save the file as UTF-8' }]);
    rmSync(path.join(dir, 'journal.jsonl'));
    // The rejected row's bytes as they were (the text has U+FFFD for the invalid ones).
    expect(Buffer.from((JSON.parse(readFileSync(path.join(dir, 'bytes.rejects.jsonl'), 'utf8').trim()) as { rowBase64: string }).rowBase64, 'base64').equals(bad)).toBe(true);
    // A file of invalid rows only, or in UTF-16, is refused, even with --skip-invalid (QA: exit 0, nothing accepted).
    writeFileSync(path.join(dir, 'only-bad.jsonl'), Buffer.concat([bad, Buffer.from('\n')]));
    const onlyBad = await cli(dir, 'events', 'ingest', 'only-bad.jsonl', '--skip-invalid', '--store', 'store.json');
    expect(onlyBad.code).toBe(1);
    expect(onlyBad.stderr).toContain('error: Every row of only-bad.jsonl is invalid (1 row); nothing was accepted. Check that it is the events file, in UTF-8 JSON Lines.\n');
    writeFileSync(path.join(dir, 'utf16.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${good.join('\n')}\n`, 'utf16le')]));
    for (const extra of [[], ['--skip-invalid']]) {
      const utf16 = await cli(dir, 'events', 'ingest', 'utf16.jsonl', ...extra, '--store', 'store.json');
      expect(utf16.code).toBe(1);
      expect(utf16.stderr).toBe('error: "utf16.jsonl" is UTF-16 (it starts with the byte-order mark 0xFF 0xFE); save it as UTF-8. Nothing was accepted.\n');
    }
    expect(existsSync(path.join(dir, 'journal.jsonl'))).toBe(false);
    writeFileSync(path.join(dir, 'bom.jsonl'), `\uFEFF${good.join('\n')}\n`);
    const bom = await cli(dir, 'events', 'ingest', 'bom.jsonl', '--store', 'store.json');
    expect(bom.code, bom.stderr).toBe(0);
    expect(bom.stdout).toContain('Accepted 4 events');
  });
});

describe('campaign run', () => {
  it('--dry-run shows per-contact changes and leaves the store bytes unchanged', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const before = readFileSync(path.join(dir, 'store.json'));
    const journal = readFileSync(path.join(dir, 'journal.jsonl'));
    const dry = await cli(dir, 'run', '--dry-run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json', '--limit', '5');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/score engagement: 0 → [\d.]+ \[/);
    expect(dry.stdout).toMatch(/journey \w[\w-]*: \(not enrolled\) → /);
    expect(dry.stdout).toContain('Dry run (nothing written, nothing sent)');
    // Scheduled, as the real run says; what delivery would send is its own line (some are held).
    expect(dry.stdout).toMatch(/\nEmails: [\d,]+ would be scheduled \(/);
    expect(dry.stdout).toMatch(/\nDelivery: [\d,]+ would be sent \([\d,]+ to contacts, [\d,]+ team notifications\), /);
    expect(readFileSync(path.join(dir, 'store.json')).equals(before)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journal)).toBe(true);
    expect(existsSync(path.join(dir, 'outbox'))).toBe(false);
    const json = JSON.parse((await cli(dir, 'run', '--dry-run', '--format', 'json', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.contacts.length).toBeGreaterThan(50);
  });

  it('--dry-run --contact ID|EMAIL shows that one contact\'s changes, in text and JSON', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const dry = ['run', '--dry-run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json'];
    const text = await cli(dir, ...dry, '--contact', 'c_000005');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n').filter((line) => /^c_\d+ /.test(line))).toEqual([expect.stringMatching(/^c_000005 /)]);
    expect(text.stdout).not.toContain('more contact');
    expect(text.stdout).toContain('Dry run (nothing written, nothing sent)');
    const email = /^c_000005 (\S+)/m.exec(text.stdout)![1]!;
    const json = JSON.parse((await cli(dir, ...dry, '--format', 'json', '--contact', email.toUpperCase())).stdout);
    expect(json.contacts.map((change: { contact: string }) => change.contact)).toEqual(['c_000005']);
    const unknown = await cli(dir, ...dry, '--contact', 'c_999999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: No contact "c_999999" in the store; give a contact id or email address.\n');
    const real = await cli(dir, 'run', '--contact', 'c_000005', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(real.code).toBe(1);
    expect(real.stderr).toBe('error: --contact picks the contact whose changes --dry-run shows; add --dry-run, or leave --contact out.\n');
    expect(existsSync(path.join(dir, 'outbox'))).toBe(false);
  });

  it('runs, writes each email once as an .eml file, and a second run sends nothing again', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const first = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--until', '2026-12-31T00:00:00Z', '--store', 'store.json');
    expect(first.code, first.stderr).toBe(0);
    const files = readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(50);
    const ids = files.map((f) => /^Message-ID:\s+(<[^>]+>)/m.exec(readFileSync(path.join(dir, 'outbox', f), 'utf8'))![1]);
    expect(new Set(ids).size).toBe(ids.length);
    // Ingesting the same file again and running again changes nothing: events are deduplicated by id.
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const second = await cli(dir, 'run', '--now', '2026-12-31T00:00:00Z', '--store', 'store.json');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/Emails: 0 scheduled/);
    expect(readdirSync(path.join(dir, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(files.length);
  });

  it('refuses times it cannot run to, with one line and nothing written: no zone, before the store clock, beyond ten years', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    expect((await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const store = readFileSync(path.join(dir, 'store.json'));
    const journal = readFileSync(path.join(dir, 'journal.jsonl'));
    for (const [argv, message] of [
      [['--now', '2026-11-02T00:00:00'], /^error: --now "2026-11-02T00:00:00" is not an ISO 8601 date-time with a zone/],
      [['--now', '2026-11-02'], /with a zone/],
      [['--now', '2027-02-30T00:00:00Z'], /with a zone/],
      [['--now', '2026-10-31T00:00:00Z'], /^error: The store's clock is at 2026-11-01T00:00:00.000Z .* a run cannot go back in time/],
      [['--now', '2026-11-02T00:00:00Z', '--until', '9999-01-01T00:00:00Z'], /^error: --until "9999-01-01T00:00:00Z" is more than ten years after now/],
      // A --now typed wrong (9999 for 2026) would run millennia of yearly triggers: it ran out of memory.
      [['--now', '9999-01-01T00:00:00Z'], /^error: The run would go from the store's clock \(2026-11-01T00:00:00.000Z\) to 9999-01-01T00:00:00.000Z, more than ten years; check the year of --now/],
      [['--now', '2036-11-01T00:00:01Z', '--dry-run'], /^error: The run would go from the store's clock .* more than ten years/],
    ] as const) {
      const result = await cli(dir, 'run', ...argv, '--store', 'store.json');
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const explained = await cli(dir, 'contact', 'c_000001', '--now', '2026-01-01T00:00:00Z', '--store', 'store.json');
    expect(explained.code).toBe(1);
    expect(explained.stderr).toMatch(/^error: --now is before the store's clock \(2026-11-01T00:00:00.000Z\)/);
    expect(readFileSync(path.join(dir, 'store.json')).equals(store)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journal)).toBe(true);
  });

  it('writes a run with nothing due too: its clock moves on, so that a later run does not decide again what came due before it (QA)', async () => {
    const dir = copyBase();
    const first = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(first.code, first.stderr).toBe(0);
    const quiet = await cli(dir, 'run', '--now', '2026-11-01T00:00:05Z', '--store', 'store.json', '--format', 'json');
    expect(JSON.parse(quiet.stdout)).toMatchObject({ dryRun: false, written: true, from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:00:05.000Z' });
    expect((await readStore(path.join(dir, 'store.json')))!.clock).toBe('2026-11-01T00:00:05.000Z');
  }, 60_000);

  it('finishes a run while another command holds the journal lock (an ingest appending): the journal is compacted by a later run', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    // A live process (this one) holds the journal's lock, as `events ingest` does while it appends a large file.
    const lock = path.join(dir, 'journal.jsonl.lock');
    writeFileSync(lock, String(process.pid));
    const started = Date.now();
    const run = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(run.code, run.stderr).toBe(0);
    // (The example's webhooks fail without their secret, and birthday greetings due long ago expire
    // (expiresAfter): said on stderr, which says nothing else.)
    expect(run.stderr.replace(/^warning: delivery incomplete: (?:\d+ emails failed, )?\d+ webhooks failed; .*\n/, '')).toBe('');
    expect(run.stdout).toMatch(/\nDelivered: [\d,]+ sent/);
    expect(Date.now() - started).toBeLessThan(8_000);
    rmSync(lock);
    const again = await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 new events from the journal');
    expect(readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('refuses a first run more than ten years after the deployment, writing nothing', async () => {
    const dir = copyBase();
    const store = readFileSync(path.join(dir, 'store.json'));
    const result = await cli(dir, 'run', '--now', '9999-01-01T00:00:00Z', '--store', 'store.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: The run would go from the deployment \(\S+\) to 9999-01-01T00:00:00.000Z, more than ten years; check the year of --now[^\n]*\n$/);
    expect(readFileSync(path.join(dir, 'store.json')).equals(store)).toBe(true);
  });

  it('refuses --limit without --dry-run (it only limits what a dry run shows) instead of running for real', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    const store = readFileSync(path.join(dir, 'store.json'));
    const journal = readFileSync(path.join(dir, 'journal.jsonl'));
    const result = await cli(dir, 'run', '--limit', '10', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('error: --limit sets how many contacts --dry-run shows; add --dry-run, or leave --limit out.\n');
    expect(readFileSync(path.join(dir, 'store.json')).equals(store)).toBe(true);
    expect(readFileSync(path.join(dir, 'journal.jsonl')).equals(journal)).toBe(true);
    expect(existsSync(path.join(dir, 'outbox'))).toBe(false);
  });

  it('refuses to run a store with nothing deployed', async () => {
    const dir = copyBase();
    writeFileSync(path.join(dir, 'c.csv'), readFileSync(path.join(dir, 'contacts.csv'), 'utf8').split('\n').slice(0, 3).join('\n'));
    expect((await cli(dir, 'contacts', 'import', 'c.csv', '--store', 'fresh.json')).code).toBe(0);
    const result = await cli(dir, 'run', '--store', 'fresh.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: Nothing is deployed in this store yet. Run `campaign apply` first.\n');
  });
});

describe('campaign contact', () => {
  it('explains scores by rule, segments by clause, journeys and the timeline', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    expect((await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const json = JSON.parse((await cli(dir, 'run', '--dry-run', '--format', 'json', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).stdout);
    expect(json.contacts).toEqual([]);
    const store = JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8'));
    const scored = store.contacts.find((c: { scores: { engagement?: { value: number } } }) => (c.scores.engagement?.value ?? 0) > 20);
    const result = await cli(dir, 'contact', scored.fields.email.toUpperCase(), '--store', 'store.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(scored.id);
    expect(result.stdout).toMatch(/Scores\n  engagement: [\d.]+/);
    expect(result.stdout).toMatch(/\n    \+[\d.]+ {2}[\w.-]+ \(\d+×, decayed\)/);
    expect(result.stdout).toMatch(/Segments\n/);
    expect(result.stdout).toMatch(/[✓✗] /);
    expect(result.stdout).toContain('Timeline');
    const unknown = await cli(dir, 'contact', 'nobody', '--store', 'store.json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: No contact "nobody"/);
  });

  it('says when no email goes to the contact: a suppressed address, or no consent for marketing', async () => {
    const dir = copyBase();
    const store = (await readStore(path.join(dir, 'store.json')))!;
    const consenting = store.contacts.find((c) => c.fields.emailOptIn === true)!;
    const refusing = store.contacts.find((c) => c.fields.emailOptIn !== true)!;
    const plain = await cli(dir, 'contact', consenting.id, '--store', 'store.json');
    expect(plain.stdout).not.toMatch(/No (marketing )?email goes/);
    const noConsent = await cli(dir, 'contact', refusing.id, '--store', 'store.json');
    expect(noConsent.stdout.split('\n')[2]).toBe('No marketing email goes to this contact: it has not consented to email (transactional email and team notifications still go).');
    store.suppression.push({ hash: suppressionHash(String(consenting.fields.email)), reason: 'bounced', at: '2026-08-01T12:00:00.000Z' });
    await writeStore(path.join(dir, 'store.json'), store);
    const bounced = await cli(dir, 'contact', consenting.id, '--store', 'store.json');
    expect(bounced.stdout.split('\n')[2]).toBe('No email goes to this address: it is on the suppression list (bounced, 2026-08-01T12:00Z), marketing and transactional alike.');
    expect(JSON.parse((await cli(dir, 'contact', consenting.id, '--format', 'json', '--store', 'store.json')).stdout).emailable).toEqual({ suppressed: { reason: 'bounced', at: '2026-08-01T12:00:00.000Z' }, consent: true });
  });

  it('with --now after the store\'s clock, says that a wait that has ended is due, not that the contact is still waiting', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    expect((await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const store = JSON.parse(readFileSync(path.join(dir, 'store.json'), 'utf8'));
    const waiting = store.enrollments.find((e: { status: string; wakeAt?: string }) => e.status === 'active' && e.wakeAt && e.wakeAt < '2026-11-20T00:00:00Z');
    const later = await cli(dir, 'contact', waiting.contact, '--now', '2026-11-20T00:00:00Z', '--store', 'store.json');
    expect(later.code, later.stderr).toBe(0);
    const line = later.stdout.split('\n').find((l) => l.startsWith(`  ${waiting.campaign} #`))!;
    expect(line).toMatch(/ until [\dT:-]+Z, due: the next run moves it on \(entered /);
    const now = await cli(dir, 'contact', waiting.contact, '--store', 'store.json');
    expect(now.stdout).not.toContain('due: the next run');
  });

  it('says which of the contact\'s events are in the journal, accepted but not run yet', async () => {
    const dir = copyBase();
    expect((await cli(dir, 'events', 'ingest', 'events.jsonl', '--store', 'store.json')).code).toBe(0);
    expect((await cli(dir, 'run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json')).code).toBe(0);
    const quiet = await cli(dir, 'contact', 'c_000005', '--store', 'store.json');
    expect(quiet.stdout).not.toContain('not run yet');
    for (const at of ['2026-10-31T10:00:00Z', '2026-11-01T00:00:00Z']) {
      expect((await cli(dir, 'track', 'demo.requested', '--contact', 'c_000005', '--at', at, '--store', 'store.json')).code).toBe(0);
    }
    expect((await cli(dir, 'track', 'demo.requested', '--contact', 'c_000006', '--store', 'store.json', '--at', '2026-11-01T00:00:00Z')).code).toBe(0);
    const result = await cli(dir, 'contact', 'c_000005', '--store', 'store.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[2]).toBe('2 events of this contact are in the journal, not run yet (the last: demo.requested at 2026-11-01T00:00Z); this explanation leaves them out until `campaign run` processes them.');
  });
});

describe("a folder or a file where the store's side files belong", () => {
  it('is refused in one line naming the path, not reported as a bug, and the store is left as it was', async () => {
    const dir = copyBase();
    const store = path.join(dir, 'store.json');
    const bytes = readFileSync(store);
    const run = ['run', '--now', '2026-11-01T00:00:00Z', '--store', 'store.json'];
    mkdirSync(path.join(dir, 'journal.jsonl'));
    const journal = await cli(dir, ...run, '--dry-run');
    expect(journal.code).toBe(1);
    expect(journal.stderr).toBe(`error: "${path.join(dir, 'journal.jsonl')}" is a folder, not the event journal (a file beside the store); move it away and run the command again.\n`);
    const track = await cli(dir, 'track', 'page.viewed', '--contact', 'c_000001', '--data', '{"url":"/"}', '--store', 'store.json');
    expect(track.stderr).toBe(`error: "${path.join(dir, 'journal.jsonl')}" is a folder, not the event journal (a file beside the store); move it away and run the command again.\n`);
    rmSync(path.join(dir, 'journal.jsonl'), { recursive: true });
    writeFileSync(path.join(dir, 'outbox'), '');
    const outbox = await cli(dir, ...run);
    expect(outbox.code).toBe(1);
    expect(outbox.stderr).toMatch(/^error: Cannot [a-z ]+ "[^"]*outbox[^"]*" \(ENOTDIR\): part of the path is a file where a folder is expected; move the file away or give another path\.\n$/);
    expect(readFileSync(store).equals(bytes)).toBe(true);
  });
});
