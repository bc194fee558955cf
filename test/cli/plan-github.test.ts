import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_COMMENT_MARKER } from '../../src/render/plan-markdown.ts';
import { EXAMPLE_WORKSPACE, runCli, tempDir } from '../helpers/run-cli.ts';
import { expectWellFormed } from '../render/markdown-check.ts';

/** `campaign plan --format github` on a copy of the example workspace, deployed over the example contacts. */
const NOW = '2026-11-23T09:00:00Z';
let dir: string;
let cleanup: () => void;
const cli = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { cwd: dir, env: { NO_COLOR: '1', ...env } });
const common = ['--workspace', 'campaigns', '--store', 'store.json', '--no-typecheck', '--now', NOW];
const journey = (name: string) => path.join(dir, 'campaigns/journeys', name);

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('campaignkit-plan-github-'));
  cpSync(EXAMPLE_WORKSPACE, path.join(dir, 'campaigns'), { recursive: true });
  const contacts = path.resolve(import.meta.dirname, '../../fixtures/contacts.csv');
  expect((await cli(['contacts', 'import', contacts, '--workspace', 'campaigns', '--store', 'store.json', '--now', NOW])).code).toBe(0);
  expect((await cli(['apply', ...common, '--auto-approve'])).code).toBe(0);
}, 60_000);
afterAll(() => cleanup());

describe('campaign plan --format github', () => {
  it('on a workspace that does not compile: annotations on stdout, a comment that says so, the JSON diagnostics report; never over another file (QA)', async () => {
    const bad = journey('bad-wait.ts');
    writeFileSync(bad, "import { campaign, onEvent, send, wait } from '../campaign.config';\nimport whatsNew from '../emails/whats-new';\nexport default campaign('bad-wait', { name: 'Bad', trigger: onEvent('trial.started'), steps: [wait('pause', '3 dayz' as never), send('a', whatsNew)] });\n");
    try {
      const github = await cli(['plan', ...common, '--format', 'github', '--markdown-out', 'broken.md', '--out', 'broken.json']);
      expect(github.code).toBe(1);
      expect(github.stdout).toMatch(/^::error file=campaigns\/journeys\/bad-wait\.ts,line=3,col=\d+,.*title=CK114 invalid-duration::Step "pause" of campaign "bad-wait" has an invalid duration "3 dayz"\./);
      expect(github.stderr).toContain('error: The workspace has errors');
      const comment = readFileSync(path.join(dir, 'broken.md'), 'utf8');
      expect(comment.split('\n').slice(0, 2)).toEqual([PLAN_COMMENT_MARKER, '### campaignkit plan: the workspace does not compile']);
      expect(comment).toContain('| ❌ | CK114 | `campaigns/journeys/bad-wait.ts:3` |');
      expectWellFormed(comment);
      expect(existsSync(path.join(dir, 'broken.json'))).toBe(false);
      const json = await cli(['plan', ...common, '--format', 'json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, summary: { errors: 1 }, diagnostics: [expect.objectContaining({ code: 'CK114', file: 'campaigns/journeys/bad-wait.ts' })] });
      // A file that is not a plan comment (here the store, named by mistake) stays as it is.
      const store = readFileSync(path.join(dir, 'store.json'));
      const refused = await cli(['plan', ...common, '--markdown-out', 'store.json']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('warning: "store.json" is not a plan comment, so it was left as it is');
      expect(readFileSync(path.join(dir, 'store.json')).equals(store)).toBe(true);
    } finally {
      rmSync(bad);
    }
  });

  it('annotates plan errors and warnings at the definitions, and writes the Markdown plan to the step summary and --markdown-out', async () => {
    // A step removed while contacts wait in it (an error), and a campaign deleted with contacts in it (a warning).
    const health = readFileSync(journey('customer-health.ts'), 'utf8');
    writeFileSync(journey('customer-health.ts'), health.replace("notify('alert-csm'", "notify('notify-csm'"));
    rmSync(journey('win-back.ts'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '# Validate\n');
    const result = await cli(['plan', ...common, '--format', 'github', '--markdown-out', 'plan.md', '--out', 'plan.json', '--detailed-exitcode'], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^::error file=campaigns\/journeys\/customer-health\.ts,line=9,col=\d+,title=campaignkit plan%3A removed-step-has-contacts::Step "alert-csm" was removed from campaign "customer-health" while \d+ contacts wait in it\./);
    expect(lines[1]).toMatch(/^::warning title=campaignkit plan%3A deleted-campaign-has-contacts::Campaign "win-back" is deleted while \d+ contacts are in it/);
    expect(lines[2]).toMatch(/^Plan: 1 to change, 1 to delete, 1 error\. Impact: /);
    expect(lines).toHaveLength(3);
    expect(result.stderr).toBe('The plan has errors, so it was not saved to "plan.json".\n');
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(false);

    const comment = readFileSync(path.join(dir, 'plan.md'), 'utf8');
    expect(comment.startsWith(`${PLAN_COMMENT_MARKER}\n`)).toBe(true);
    expect(comment).toContain('> [!CAUTION]');
    expect(comment).toContain('> [!WARNING]');
    expectWellFormed(comment);
    expect(readFileSync(summary, 'utf8')).toBe(`# Validate\n${comment}`);
    // No personal data in the comment: contacts by id only.
    expect(comment).not.toMatch(/@[a-z0-9-]+\.example/);
    writeFileSync(journey('customer-health.ts'), health);
  });

  it('exits 2 on a change without errors (warnings only), and saves the plan', async () => {
    const result = await cli(['plan', ...common, '--format', 'github', '--out', 'plan.json', '--detailed-exitcode']);
    expect(result.stdout).toMatch(/^::warning title=campaignkit plan%3A deleted-campaign-has-contacts::/);
    expect(result.stdout.split('\n')[1]).toMatch(/^Plan: 1 to delete\. Impact: \d+ contacts exit deleted campaign "win-back"\.$/);
    expect(result.code).toBe(2);
    expect(existsSync(path.join(dir, 'plan.json'))).toBe(true);
  });
});
