import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAN_COMMENT_MARKER } from '../../src/render/plan-markdown.ts';
import { parseYamlSubset, YamlError } from './yaml-subset.ts';

/** .github/workflows/campaigns.yml parses, and does what docs/ci.md says it does. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const WORKFLOW = path.join(ROOT, '.github/workflows/campaigns.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  'runs-on': unknown;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parseYamlSubset(readFileSync(WORKFLOW, 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.replace(/\\\n\s*/g, '')] : []));

describe('the yaml-subset parser', () => {
  it('parses what workflows use, and rejects malformed files', () => {
    expect(parseYamlSubset('a: 1\nb:\n  - x\n  - k: v\n    l: [m, "n"]\nc: |\n  one\n  # two\n\nd: true # note\n')).toEqual({
      a: 1,
      b: ['x', { k: 'v', l: ['m', 'n'] }],
      c: 'one\n# two\n',
      d: true,
    });
    expect(() => parseYamlSubset('a:\n\tb: 1\n')).toThrow(YamlError);
    expect(() => parseYamlSubset('a: 1\n   b: 2\n')).toThrow(/unexpected indentation/);
    expect(() => parseYamlSubset('a: 1\na: 2\n')).toThrow(/duplicate key/);
    expect(() => parseYamlSubset('a: "open\n')).toThrow(/unterminated/);
  });
});

describe('.github/workflows/campaigns.yml', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect((workflow.on.push as { branches: string[] }).branches).toEqual(['main']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.steps.length, name).toBeGreaterThan(0);
      for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run), `${name}: ${JSON.stringify(step)}`).toBe(true);
    }
  });

  it('validates and plans pull requests against a state snapshot, exit code 2 not being a failure', () => {
    const job = workflow.jobs.plan!;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.permissions).toMatchObject({ 'pull-requests': 'write', contents: 'read' });
    const commands = runs(job);
    expect(commands).toContain('npm ci');
    const validate = commands.find((c) => c.includes('$CAMPAIGN validate --workspace "$WORKSPACE" --format github'))!;
    // A push that does not validate replaces the comment (found by its marker), then fails the job.
    expect(validate).toMatch(/^if ! \$CAMPAIGN validate .*; then\n/);
    expect(validate).toContain(`'${PLAN_COMMENT_MARKER}' "$HEAD_SHA" > plan.md\n  exit 1\n`);
    const plan = commands.find((c) => c.includes('$CAMPAIGN plan'))!;
    expect(plan).toMatch(/--format github/);
    expect(plan).toMatch(/--state \.campaign-state\/snapshot\.json/);
    expect(plan).toMatch(/--out plan\.json/);
    expect(plan).toMatch(/--markdown-out plan\.md/);
    expect(plan).toMatch(/--detailed-exitcode/);
    expect(plan).toMatch(/if \[ "\$code" -ne 0 \] && \[ "\$code" -ne 2 \]; then exit "\$code"; fi/);
  });

  it('posts the plan comment once and updates it in place, found by its hidden marker', () => {
    const step = workflow.jobs.plan!.steps.find((s) => s.name === 'Post or update the plan comment')!;
    expect(step.uses).toMatch(/^actions\/github-script@v\d+$/);
    expect(step.if).toBe("always() && hashFiles('plan.md') != ''");
    const script = step.with!.script as string;
    expect(script).toContain(`const marker = '${PLAN_COMMENT_MARKER}';`);
    expect(script).toContain("fs.readFileSync('plan.md', 'utf8')");
    expect(script).toContain('github.rest.issues.updateComment');
    expect(script).toContain('github.rest.issues.createComment');
    // The script is valid JavaScript (an async function body, as github-script runs it).
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => unknown;
    expect(() => new AsyncFunction('github', 'context', 'core', 'require', script)).not.toThrow();
    const find = workflow.jobs.plan!.steps.find((s) => s.name === 'Find the latest state snapshot')!;
    expect(() => new AsyncFunction('github', 'context', 'core', 'require', find.with!.script as string)).not.toThrow();
  });

  it('applies the saved plan on main, with the store from a repository variable', () => {
    const job = workflow.jobs.apply!;
    expect(job.if).toBe("github.event_name == 'push' && vars.CAMPAIGN_STORE != ''");
    expect(job.env).toEqual({ CAMPAIGN_STORE: '${{ vars.CAMPAIGN_STORE }}' });
    const commands = runs(job);
    const plan = commands.findIndex((c) => c.startsWith('$CAMPAIGN plan') && c.includes('--out plan.json') && c.includes('--store "$CAMPAIGN_STORE"'));
    const apply = commands.findIndex((c) => c.startsWith('$CAMPAIGN apply plan.json') && c.includes('--store "$CAMPAIGN_STORE"'));
    const exported = commands.findIndex((c) => c.startsWith('$CAMPAIGN state export --store "$CAMPAIGN_STORE"'));
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(apply).toBeGreaterThan(plan);
    expect(exported).toBeGreaterThan(apply);
    expect(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'campaign-state')).toBe(true);
  });
});
