import { describe, expect, it } from 'vitest';
import { WINDOW_END } from '../../fixtures/generate.ts';
import { colors } from '../../src/render/colors.ts';
import { renderContactExplanation, scoreText } from '../../src/render/contact-text.ts';
import { explainContact } from '../../src/runtime/explain.ts';
import type { OutboxMessage } from '../../src/store/types.ts';
import { buildExampleStore } from '../helpers/example-store.ts';

describe('scoreText', () => {
  it('shows two decimals, and the four kept when two would misstate a threshold or a whole number', () => {
    expect(scoreText(12.3456, [50])).toBe('12.35');
    expect(scoreText(50, [50])).toBe('50');
    // Not a whole number: a condition `c.score(x).gt(50)` (or `gt(0)`) holds for it (QA: "dec: 0" above "✓ score dec > 0").
    expect(scoreText(50.0001, [50])).toBe('50.0001');
    expect(scoreText(0.0015, [])).toBe('0.0015');
    // Decayed for a second below the threshold: "50" would read as reached.
    expect(scoreText(49.9998, [50])).toBe('49.9998');
    expect(scoreText(49.996, [49.995])).toBe('49.996');
    expect(scoreText(49.9961, [49.9])).toBe('49.9961');
    expect(scoreText(12.346, [12.348])).toBe('12.346');
    expect(scoreText(12.346, [12.3])).toBe('12.35');
    // No threshold there, but a condition like `c.score(x).gte(40)` compares the same 4 decimals.
    expect(scoreText(39.9999, [])).toBe('39.9999');
    expect(scoreText(-0.0001, [])).toBe('-0.0001');
    expect(scoreText(0, [])).toBe('0');
  });
});

describe('the contact explanation', () => {
  it('gives each grade matrix with the scores it reads, in JSON and text (QA scoring f3: a documented scores[].grade was never emitted)', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    // A second matrix reading the same scores: a grade per score could not say which.
    const matrix = program.grades[0]!;
    program.grades.push({ ...structuredClone(matrix), id: 'strict-grade', name: 'Strict' });
    const explanation = explainContact(data, program, data.contacts[0]!, WINDOW_END);
    expect(explanation.grades.map(({ matrix, fit, engagement }) => ({ matrix, fit, engagement }))).toEqual([
      { matrix: matrix.id, fit: matrix.fit.score, engagement: matrix.engagement.score },
      { matrix: 'strict-grade', fit: matrix.fit.score, engagement: matrix.engagement.score },
    ]);
    for (const score of explanation.scores) expect(score).not.toHaveProperty('grade');
    const text = renderContactExplanation(explanation, colors(false), { deployed: true });
    expect(text).toContain(`  grade strict-grade: ${explanation.grades[1]!.grade}  (${matrix.fit.score} × ${matrix.engagement.score})`);
  });

  it('shows a sent email at the time it went out, not the time it was due (QA: a late delivery read as sent on time)', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = data.contacts[0]!;
    const message = (key: string, dueAt: string, over: Partial<OutboxMessage>): OutboxMessage => ({
      key, messageId: `<${key}@acme.example>`, kind: 'marketing', contact: contact.id, to: 'ann@example.com', subject: key, status: 'pending', createdAt: dueAt, dueAt, ...over,
    });
    // Due first, sent a day late: listed after the one due and sent in between.
    data.outbox.push(
      message('late', '2026-10-15T06:00:00.000Z', { status: 'sent', sentAt: '2026-10-16T09:00:00.000Z' }),
      message('on-time', '2026-10-15T12:00:00.000Z', { status: 'sent', sentAt: '2026-10-15T12:00:00.000Z' }),
      message('waiting', '2026-10-20T09:00:00.000Z', {}),
    );
    const explanation = explainContact(data, program, contact, WINDOW_END, 1000);
    const text = renderContactExplanation(explanation, colors(false), { deployed: true });
    const emails = text.split('\n').filter((line) => / marketing "(late|on-time|waiting)" → /.test(line));
    expect(emails.map((line) => line.trim().split(' ').slice(0, 3).join(' '))).toEqual([
      '2026-10-15T12:00Z marketing "on-time"',
      '2026-10-16T09:00Z marketing "late"',
      '2026-10-20T09:00Z marketing "waiting"',
    ]);
    expect(explanation.timeline.find((t) => t.text.includes('"late"'))?.at).toBe('2026-10-16T09:00:00.000Z');
  });

  it('shows a webhook waiting for its retry with why and when, not as "failed" for good (QA delivery)', async () => {
    const { program, data } = await buildExampleStore({ contacts: 20, events: 100, seed: 11 });
    const contact = data.contacts[0]!;
    const base = { contact: contact.id, endpoint: 'crm', createdAt: '2026-10-15T09:00:00.000Z' };
    data.webhooks.push(
      { ...base, key: 'w1', status: 'failed', attempts: 4, lastError: 'cannot reach 127.0.0.1:48651', nextAttemptAt: '2026-12-06T10:08:00.000Z' },
      { ...base, key: 'w2', status: 'failed', attempts: 1, lastStatus: 410 },
      { ...base, key: 'w3', status: 'delivered', attempts: 1 },
      { ...base, key: 'w4', status: 'failed', attempts: 0, lastError: 'secret env CRM_WEBHOOK_SECRET is not set', nextAttemptAt: '2026-11-20T00:00:00.000Z' },
    );
    const text = renderContactExplanation(explainContact(data, program, contact, WINDOW_END, 1000), colors(false), { deployed: true });
    const lines = text.split('\n').filter((line) => / webhook /.test(line)).map((line) => line.trim().replace(/^\S+\s+/, ''));
    expect(lines.sort()).toEqual([
      'webhook crm (delivered)',
      'webhook crm (failed 4 times (cannot reach 127.0.0.1:48651); tried again from 2026-12-06T10:08Z)',
      'webhook crm (given up after 1 attempt (HTTP 410))',
      'webhook crm (not posted yet (secret env CRM_WEBHOOK_SECRET is not set); tried from 2026-11-20T00:00Z)',
    ]);
  });
});
