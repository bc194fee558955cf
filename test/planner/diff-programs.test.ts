import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/ir/types.ts';
import { diffPrograms } from '../../src/planner/diff-programs.ts';
import { diffSteps } from '../../src/planner/diff-steps.ts';
import { campaign, inCountries, planIs, program, score, segment, send, wait, all } from './helpers.ts';

describe('diffPrograms', () => {
  it('creates everything on a first deploy, without workspace changes', () => {
    const next = program({ segments: [segment('eu', inCountries('FR'))] });
    const changes = diffPrograms(null, next);
    expect(changes).toEqual([
      { action: 'create', type: 'segment', id: 'eu', fields: [{ path: 'where', kind: 'added', after: 'country in ["FR"]', text: true }] },
    ]);
  });

  it('reports create, update, delete and rename with field-level diffs', () => {
    const before = program({
      segments: [segment('eu', inCountries('FR', 'DE')), segment('old-name', planIs('trial')), segment('gone', planIs('free'))],
      scores: [score('engagement')],
    });
    const after = program({
      segments: [
        segment('eu', all(inCountries('FR', 'DE', 'BE'), planIs('trial'))),
        segment('new-name', planIs('pro'), { renamedFrom: 'old-name', name: 'old-name' }),
        segment('fresh', planIs('free')),
      ],
      scores: [score('engagement', { cap: 100, rules: [{ id: 'download', type: 'event', event: 'asset.downloaded', points: 15 }] })],
    });
    const changes = diffPrograms(before, after);
    expect(changes.map((c) => `${c.action} ${c.type}:${c.id}${c.from ? ` from ${c.from}` : ''}`)).toEqual([
      'update segment:eu',
      'create segment:fresh',
      'delete segment:gone',
      'rename segment:new-name from old-name',
      'update score:engagement',
    ]);
    expect(changes[0]!.fields).toEqual([
      { path: 'where', kind: 'changed', before: 'country in ["FR", "DE"]', after: 'country in ["FR", "DE", "BE"] and plan = "trial"', text: true },
    ]);
    expect(changes[3]!.fields).toEqual([{ path: 'where', kind: 'changed', before: 'plan = "trial"', after: 'plan = "pro"', text: true }]);
    expect(changes[4]!.fields).toEqual([
      { path: 'rules.download.points', kind: 'changed', before: 10, after: 15 },
      { path: 'cap', kind: 'added', after: 100 },
    ]);
  });

  it('does not treat a renamedFrom naming an unknown id as a rename', () => {
    const before = program({ segments: [segment('a', planIs('trial'))] });
    const after = program({ segments: [segment('a', planIs('trial'), { renamedFrom: 'x' })] });
    expect(diffPrograms(before, after)).toEqual([
      { action: 'update', type: 'segment', id: 'a', fields: [{ path: 'renamedFrom', kind: 'added', after: 'x' }] },
    ]);
  });

  it('reports settings and schema changes', () => {
    const before = program();
    const after = program();
    after.settings = { ...after.settings, quietHours: { start: '21:00', end: '08:00' }, timezone: 'Europe/Paris' };
    after.schema = {
      ...after.schema,
      contact: { ...after.schema.contact, industry: { kind: 'enum', optional: true, values: ['saas', 'media'] }, country: { kind: 'string', optional: true } },
    };
    const changes = diffPrograms(before, after);
    expect(changes).toEqual([
      {
        action: 'update',
        type: 'workspace',
        id: 'settings',
        fields: [
          { path: 'timezone', kind: 'changed', before: 'UTC', after: 'Europe/Paris' },
          { path: 'quietHours', kind: 'added', after: { start: '21:00', end: '08:00' } },
        ],
      },
      {
        action: 'update',
        type: 'workspace',
        id: 'schema',
        fields: [
          { path: 'contact.country', kind: 'changed', before: 'string', after: 'string?', text: true },
          { path: 'contact.industry', kind: 'added', after: 'enum(saas|media)?', text: true },
        ],
      },
    ]);
  });

  it('shows removedSteps as a campaign field', () => {
    const before = campaign('nurture', [send('welcome'), send('reminder')]);
    const after = campaign('nurture', [send('welcome')], { stepMoves: [{ from: 'reminder', to: null }] });
    const [change] = diffPrograms(program({ campaigns: [before] }), program({ campaigns: [after] }));
    expect(change!.fields).toContainEqual({ path: 'removedSteps', kind: 'added', after: { reminder: 'exit' } });
  });
});

describe('diffSteps', () => {
  const before: Step[] = [
    send('welcome'),
    wait('cool-off', '2d'),
    { id: 'downloaded', type: 'branch', when: { type: 'did', event: 'asset.downloaded', min: 1, sinceEntry: true }, yes: [send('case-study')], no: [send('reminder', 'reminder-email')] },
  ];

  it('diffs steps by id: changed, removed, added, with the continuation', () => {
    const after: Step[] = [
      send('welcome'),
      wait('cool-off', '3d'),
      { id: 'downloaded', type: 'branch', when: { type: 'did', event: 'asset.downloaded', min: 1, sinceEntry: true }, yes: [send('case-study')], no: [send('follow-up', 'follow-up-email')] },
    ];
    const { fields, mapping } = diffSteps(before, after);
    expect(fields).toEqual([
      { path: 'steps.cool-off.duration', kind: 'changed', before: '2d', after: '3d' },
      { path: 'steps.downloaded.no.first', kind: 'changed', before: 'reminder', after: 'follow-up' },
      { path: 'steps.follow-up', kind: 'added', after: 'send "follow-up-email"', text: true },
      { path: 'steps.reminder', kind: 'removed', before: 'send "reminder-email"', text: true },
    ]);
    expect([...mapping.removed]).toEqual(['reminder']);
    expect([...mapping.changed]).toEqual(['cool-off', 'downloaded']);
    expect(mapping.wakeShift.get('cool-off')).toBe(86_400_000);
  });

  it('says which waiting steps shift their wake-ups and which restart', () => {
    const wfe = (id: string, over: Record<string, unknown> = {}): Step => ({ id, type: 'waitForEvent', event: 'asset.downloaded', timeout: '10d', onEvent: [], onTimeout: [], ...over }) as Step;
    const window = (start: string): Step => ({ id: 'office-hours', type: 'waitUntil', window: { start, end: '17:00' } });
    const tag: Step = { id: 'tagged', type: 'tag', tag: 'x' } as Step;
    const old = [wfe('timeout'), wfe('event'), wfe('typed'), window('09:00'), wait('wait-to-event', '2d'), tag, wfe('same', { where: { type: 'cmp', field: 'asset', op: 'eq', value: 'a' } })];
    const next = [
      wfe('timeout', { timeout: '2d' }),
      wfe('event', { event: 'demo.requested' }),
      send('typed'),
      window('10:00'),
      wfe('wait-to-event'),
      send('tagged'),
      wfe('same', { where: { type: 'cmp', field: 'asset', op: 'eq', value: 'b' } }),
    ];
    const { mapping } = diffSteps(old, next);
    expect([...mapping.wakeShift]).toEqual([['timeout', -8 * 86_400_000]]);
    // A step that never waits (tag) holds only contacts about to run it: they run the new one.
    expect([...mapping.restart].sort()).toEqual(['event', 'office-hours', 'typed', 'wait-to-event']);
  });

  it('honours step renamedFrom (a rename can carry updates)', () => {
    const after: Step[] = [
      send('welcome'),
      wait('pause', '2d', { renamedFrom: 'cool-off' }),
      { id: 'downloaded', type: 'branch', when: { type: 'did', event: 'asset.downloaded', min: 1, sinceEntry: true }, yes: [send('case-study')], no: [send('nudge', 'nudge-email', { renamedFrom: 'reminder' })] },
    ];
    const { fields, mapping } = diffSteps(before, after);
    expect(fields).toEqual([
      { path: 'steps.pause.id', kind: 'changed', before: 'cool-off', after: 'pause' },
      { path: 'steps.nudge.id', kind: 'changed', before: 'reminder', after: 'nudge' },
      { path: 'steps.nudge.template', kind: 'changed', before: 'reminder-email', after: 'nudge-email' },
    ]);
    expect(Object.fromEntries(mapping.renamed)).toEqual({ 'cool-off': 'pause', reminder: 'nudge' });
    expect(mapping.removed.size).toBe(0);
  });
});
