import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.ts';
import {
  canonicalJson,
  hashProgram,
  hashValue,
  normalizeProgramOrder,
  programEntities,
  programManifest,
  sha256,
} from '../../src/ir/canonical.ts';
import type { Program } from '../../src/ir/types.ts';
import { compileFixture, fixtureDir, fixtureNames } from '../compiler/fixture-harness.ts';

/** The example workspace and every valid compiler fixture, compiled once. */
const programs: { name: string; program: Program }[] = [];

beforeAll(async () => {
  const example = await compile({ workspace: 'campaigns', typecheck: false });
  programs.push({ name: 'campaigns', program: example.program! });
  for (const name of fixtureNames('valid')) {
    programs.push({ name: `valid/${name}`, program: (await compileFixture(fixtureDir('valid', name))).program! });
  }
});

describe('the IR is plain JSON', () => {
  it('round-trips through JSON unchanged', () => {
    expect(programs.length).toBeGreaterThan(1);
    for (const { name, program } of programs) {
      expect(program, name).not.toBeNull();
      expect(JSON.parse(JSON.stringify(program)), name).toStrictEqual(program);
    }
  });

  it('hashes the same after a round trip', () => {
    for (const { name, program } of programs) {
      expect(hashProgram(JSON.parse(JSON.stringify(program)) as Program), name).toBe(hashProgram(program));
    }
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members, keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it('does not depend on key order', () => {
    const a = { type: 'segment', id: 'x', where: { type: 'cmp', field: 'plan', op: 'eq', value: 'trial' } };
    const b = { where: { value: 'trial', op: 'eq', field: 'plan', type: 'cmp' }, id: 'x', type: 'segment' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(hashValue(a)).toBe(hashValue(b));
    expect(hashValue({ ...a, renamedFrom: undefined })).toBe(hashValue(a));
    expect(hashValue({ list: [1, 2] })).not.toBe(hashValue({ list: [2, 1] }));
  });

  it('hashes with SHA-256 of the canonical text (pinned, so the hash of a deployed program never drifts)', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashValue({ b: [1, 'x'], a: null })).toBe(sha256('{"a":null,"b":[1,"x"]}'));
    expect(hashValue({ b: [1, 'x'], a: null })).toBe('c22cb7b0353770e2b38094af641143ebf008ddf2d1f2dedb9d875996fcf245fa');
  });
});

describe('programManifest', () => {
  const journeys = () => structuredClone(programs.find((p) => p.name === 'valid/journeys')!.program);

  it('hashes each entity, the settings and the schema, and the whole program from them', () => {
    const program = journeys();
    const manifest = programManifest(program);
    expect(Object.keys(manifest.entities)).toEqual(programEntities(program).map((e) => `${e.type}:${e.id}`));
    expect(manifest.entities['campaign:onboarding']).toBe(hashValue(program.campaigns.find((c) => c.id === 'onboarding')));
    expect(manifest.settings).toBe(hashValue(program.settings));
    expect(manifest.hash).toBe(hashProgram(program));
    expect(programManifest(journeys())).toEqual(manifest);
  });

  it('changes the hash of the entity that changed, and of the program, only', () => {
    const before = programManifest(journeys());
    const program = journeys();
    program.campaigns.find((c) => c.id === 'onboarding')!.status = 'paused';
    const after = programManifest(program);
    const changed = Object.keys(after.entities).filter((key) => after.entities[key as never] !== before.entities[key as never]);
    expect(changed).toEqual(['campaign:onboarding']);
    expect(after.settings).toBe(before.settings);
    expect(after.schema).toBe(before.schema);
    expect(after.hash).not.toBe(before.hash);
  });

  it('changes the settings hash, not the entity hashes, when a setting changes', () => {
    const before = programManifest(journeys());
    const program = journeys();
    program.settings.timezone = 'America/New_York';
    const after = programManifest(program);
    expect(after.entities).toEqual(before.entities);
    expect(after.settings).not.toBe(before.settings);
    expect(after.hash).not.toBe(before.hash);
  });
});

describe('normalizeProgramOrder', () => {
  it('sorts every collection by id, so the stored program does not depend on the order of modules', () => {
    const program = structuredClone(programs.find((p) => p.name === 'valid/journeys')!.program);
    const shuffled: Program = { ...program, campaigns: [...program.campaigns].reverse(), templates: [...program.templates].reverse() };
    expect(canonicalJson(shuffled)).not.toBe(canonicalJson(program));
    const normalized = normalizeProgramOrder(shuffled);
    expect(normalized.campaigns.map((c) => c.id)).toEqual(program.campaigns.map((c) => c.id).sort());
    expect(canonicalJson(normalized)).toBe(canonicalJson(program));
    // The manifest keys entities by type and id, so the program hash never depended on the order.
    expect(hashProgram(shuffled)).toBe(hashProgram(program));
  });
});
