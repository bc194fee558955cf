import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Program, Template } from '../../../src/ir/types.ts';
import { messageIdFor } from '../../../src/runtime/deliver/compose.ts';
import type { ContactRecord, OutboxMessage, StoreData, WebhookDelivery } from '../../../src/store/types.ts';
import type { MailInput } from '../../../src/runtime/deliver/compose.ts';

/** One rendered message, for the tests of building it. */
export const mailInput: MailInput = {
  key: 'trial-nurture/1/c1/welcome',
  from: { name: 'Acmé Team', email: 'hello@acme.example' },
  replyTo: 'support@acme.example',
  to: 'ann@example.com',
  subject: 'Welcome, Ann — a subject long enough to be folded over more than one line of the header',
  text: 'Hi Ann,\nünïcode text\n',
  html: '<p>Hi Ann</p>',
  date: '2026-11-23T09:00:00.000Z',
  unsubscribeUrl: 'https://acme.example/unsubscribe?c=c1&t=0123456789abcdef0123456789abcdef',
};

export const NOW = '2026-11-23T09:00:00.000Z';
export const SECRET = 'test-unsubscribe-secret';

export const welcome: Template = {
  type: 'template', id: 'welcome', kind: 'marketing',
  subject: 'Welcome, {{firstName ?? "there"}}',
  text: 'Hi {{firstName ?? "there"}},\nthanks for trying Acme.\nUnsubscribe: {{unsubscribeUrl}}',
  html: '<html><body><p>Hi {{firstName ?? "there"}},</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p></body></html>',
  preheader: 'Your trial starts now',
};

export const receipt: Template = {
  type: 'template', id: 'receipt', kind: 'transactional', subject: 'Your receipt', text: 'Receipt for {{id}}',
};

const journey = (id: string): Program['campaigns'][number] => ({ type: 'campaign', id, name: id, status: 'active', trigger: { type: 'manual' }, reentry: { type: 'never' }, steps: [{ id: 'welcome', type: 'send', template: 'welcome' }], stepMoves: [] }) as Program['campaigns'][number];

export function program(over: Partial<Program['settings']> = {}): Program {
  return {
    irVersion: 1,
    settings: {
      timezone: 'UTC',
      sender: { name: 'Acme', email: 'hello@acme.example' },
      replyTo: 'support@acme.example',
      fields: { email: 'email' },
      consent: { email: 'emailOptIn' },
      teams: { sales: { email: 'sales@acme.example' } },
      webhooks: {},
      unsubscribeUrl: 'https://acme.example/unsubscribe',
      store: '.campaign/store.json',
      ...over,
    },
    schema: { contact: {}, events: {} },
    // The campaigns the fixture emails are of: delivery skips the emails of a campaign no longer deployed.
    segments: [], scores: [], grades: [], campaigns: ['trial-nurture', 'other'].map(journey), templates: [welcome, receipt],
  };
}

export function contact(id: string, fields: Record<string, unknown>): ContactRecord {
  return { id, fields, tags: [], createdAt: NOW, updatedAt: NOW, scores: {}, segments: [] };
}

export function store(over: Partial<StoreData> = {}): StoreData {
  const prog = program();
  return {
    format: 'campaignkit-store', formatVersion: 1, lineage: 'lineage-1', serial: 1, savedAt: NOW,
    deployed: { program: prog, hash: 'h', appliedAt: NOW, appliedBy: 'test' },
    clock: null, journal: { generation: 'g', offset: 0 },
    contacts: [
      contact('c1', { email: 'ann@example.com', firstName: 'Ann', emailOptIn: true }),
      contact('c2', { email: 'bob@example.com', firstName: 'Bob', emailOptIn: false }),
      contact('c3', { email: 'cy@example.com', emailOptIn: true }),
    ],
    enrollments: [], events: [], pending: [], outbox: [], webhooks: [], suppression: [], audit: [],
    ...over,
  };
}

/** The subjects the engine schedules for the fixture contacts (delivery renders the same). */
const SUBJECTS: Record<string, string> = { c1: 'Welcome, Ann', c2: 'Welcome, Bob', c3: 'Welcome, there' };

export function email(contactId: string, to: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  const subject = over.template === 'receipt' ? 'Your receipt' : (SUBJECTS[contactId] ?? 'Welcome');
  const key = over.key ?? `trial-nurture/1/${contactId}/welcome`;
  return {
    key, messageId: messageIdFor(key, 'hello@acme.example'), kind: 'marketing', contact: contactId,
    campaign: 'trial-nurture', step: 'welcome', template: 'welcome', to, subject,
    status: 'pending', createdAt: NOW, dueAt: NOW, ...over,
  };
}

export function webhook(key: string, over: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return { key, endpoint: 'crm', contact: 'c1', campaign: 'mql-handoff', step: 'sync-crm', status: 'pending', attempts: 0, createdAt: NOW, ...over };
}

/** A temporary directory per test; `cleanup` removes them all. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    async make(): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), 'ck-deliver-'));
      dirs.push(dir);
      return dir;
    },
    async cleanup(): Promise<void> {
      await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

export interface ParsedMessage {
  /** Unfolded header fields in order. */
  headers: { name: string; value: string }[];
  header(name: string): string | undefined;
  body: string;
  /** Physical header lines, as written (to check folding). */
  headerLines: string[];
}

/** A small RFC 5322 reader: CRLF lines, folded headers, header/body split at the first empty line. */
export function parseMessage(raw: string): ParsedMessage {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no empty line between header and body');
  const headerLines = raw.slice(0, split).split('\r\n');
  const headers: { name: string; value: string }[] = [];
  for (const line of headerLines) {
    if (/^[ \t]/.test(line)) {
      const last = headers.at(-1);
      if (!last) throw new Error(`continuation line without a header: ${line}`);
      last.value += line;
      continue;
    }
    const match = /^([!-9;-~]+):[ \t]?(.*)$/.exec(line);
    if (!match) throw new Error(`not a header field: ${line}`);
    headers.push({ name: match[1]!, value: match[2]! });
  }
  return {
    headers,
    headerLines,
    header: (name) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value,
    body: raw.slice(split + 4),
  };
}
