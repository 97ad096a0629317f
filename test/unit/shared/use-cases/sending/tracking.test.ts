import { describe, expect, it } from 'vitest';
import { clickUrl, unsubscribeUrl } from '../../../../../shared/domain/sending/links.js';
import type { SendRecord } from '../../../../../shared/domain/sending/send-request.js';
import { defaultHealthPolicy } from '../../../../../shared/domain/sending/shop-health.js';
import {
  checkUnsubscribe,
  followClick,
  trackSesEvent,
  unsubscribe,
} from '../../../../../shared/use-cases/sending/tracking.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import { FakeEventStore } from '../../../../support/fakes/customers.js';
import { FakeSendRecords, FakeShopSending } from '../../../../support/fakes/sending.js';
import { FakeTable } from '../../../../support/fakes/table.js';
import { secrets } from '../../../../support/links.js';

function record(sendId: string, customerId = 'alice'): SendRecord {
  return {
    sendId,
    shopId: 'tea',
    customerId,
    source: { kind: 'campaign', campaignId: 'autumn' },
    step: 'm1',
    occurrence: '1',
    channel: 'email',
    purpose: 'marketing',
    templateId: 'welcome',
    status: 'sending',
    history: [],
    requestedAt: '2026-11-02T08:00:00.000Z',
  };
}

const ses = (eventType: string, sendId: string, extra: Record<string, unknown> = {}) => ({
  eventType,
  mail: {
    timestamp: '2026-11-02T09:00:00.000Z',
    messageId: `m-${sendId}`,
    source: 'shop@tea.example',
    destination: ['alice@example.com'],
    tags: { send_id: [sendId], shop_id: ['tea'], 'ses:configuration-set': ['huitou'] },
  },
  ...extra,
});

async function world() {
  const clock = new FakeClock('2026-11-02T10:00:00.000Z');
  const records = new FakeSendRecords();
  const sending = new FakeShopSending();
  sending.set('tea', { allowedHosts: ['tea.example'] });
  const table = new FakeTable();
  const events = new FakeEventStore(table);
  const deps = { records, customerEvents: events, sending, clock: clock.now };
  return { clock, records, sending, table, events, deps };
}

describe('tracking SES events', () => {
  it('moves the status forward through the history, once per notification', async () => {
    const { deps, records } = await world();
    await records.claim(record('s1'), '2026-11-02T08:00:00.000Z', '2026-11-02T08:05:00.000Z');
    await trackSesEvent(deps, ses('Send', 's1'), 'n1');
    await trackSesEvent(
      deps,
      ses('Delivery', 's1', { delivery: { timestamp: '2026-11-02T09:00:02.000Z' } }),
      'n2',
    );
    await trackSesEvent(
      deps,
      ses('Click', 's1', { click: { timestamp: '2026-11-02T09:10:00.000Z', link: 'https://tea.example/' } }),
      'n3',
    );
    // An open reported after the click, and the click notification delivered twice.
    await trackSesEvent(deps, ses('Open', 's1', { open: { timestamp: '2026-11-02T09:09:00.000Z' } }), 'n4');
    await trackSesEvent(
      deps,
      ses('Click', 's1', { click: { timestamp: '2026-11-02T09:10:00.000Z', link: 'https://tea.example/' } }),
      'n3',
    );
    const r = await records.get('tea', 's1');
    expect(r?.status).toBe('clicked');
    expect(r?.providerMessageId).toBe('m-s1');
    expect(r?.history.map((h) => h.status)).toEqual(['sent', 'delivered', 'clicked', 'opened']);
  });

  it('turns a hard bounce into suppression and a complaint into suppression and a marketing no', async () => {
    const { deps, records, table } = await world();
    await records.settle({ ...record('s1'), status: 'sent' });
    await records.settle({ ...record('s2', 'bob'), status: 'sent' });
    await records.settle({ ...record('s3', 'carol'), status: 'sent' });
    await trackSesEvent(
      deps,
      ses('Bounce', 's1', {
        bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: '2026-11-02T09:00:01.000Z' },
      }),
      'b1',
    );
    await trackSesEvent(
      deps,
      ses('Bounce', 's3', {
        bounce: {
          bounceType: 'Transient',
          bounceSubType: 'MailboxFull',
          timestamp: '2026-11-02T09:00:01.000Z',
        },
      }),
      'b3',
    );
    await trackSesEvent(
      deps,
      ses('Complaint', 's2', { complaint: { timestamp: '2026-11-02T09:30:00.000Z' } }),
      'c1',
    );
    const emitted = table.takeStream().map((e) => [e.customerId, e.type, e.properties]);
    expect(emitted).toEqual([
      ['alice', 'message_bounced', { sendId: 's1', bounceType: 'permanent' }],
      ['bob', 'message_complained', { sendId: 's2' }],
      ['bob', 'unsubscribed', { channel: 'email', purpose: 'marketing' }],
    ]);
    expect((await records.get('tea', 's1'))?.status).toBe('bounced');
    expect((await records.get('tea', 's3'))?.status).toBe('sent');
  });

  it('pauses the shop, with the reason, once its bounce rate passes 2%', async () => {
    const { deps, records, sending } = await world();
    const sent = defaultHealthPolicy.minimumSends;
    for (let i = 0; i < sent; i++) {
      await records.settle({ ...record(`s${i}`), status: 'sending' });
      await trackSesEvent(deps, ses('Send', `s${i}`), `send-${i}`);
    }
    const bounce = (i: number) =>
      trackSesEvent(
        deps,
        ses('Bounce', `s${i}`, {
          bounce: { bounceType: 'Permanent', timestamp: '2026-11-02T09:00:01.000Z' },
        }),
        `b-${i}`,
      );
    for (let i = 0; i < 10; i++) expect(await bounce(i)).toMatchObject({ paused: false });
    expect((await sending.get('tea')).paused).toBeUndefined();
    expect(await bounce(10)).toMatchObject({ paused: true });
    expect((await sending.get('tea')).paused?.reasons[0]).toMatchObject({
      kind: 'bounce-rate',
      threshold: 0.02,
    });
  });

  it('leaves alone what is not a send of huitou', async () => {
    const { deps } = await world();
    expect(
      await trackSesEvent(deps, { eventType: 'Send', mail: { timestamp: 'x', messageId: 'm' } }, 'n'),
    ).toMatchObject({ tracked: false });
    expect(await trackSesEvent(deps, ses('Send', 'unknown'), 'n')).toEqual({
      tracked: false,
      why: 'no such send',
    });
    expect(await trackSesEvent(deps, { hello: 'world' }, 'n')).toMatchObject({ tracked: false });
  });
});

describe('links in messages', () => {
  const link = (destination: string, expiresAt = '2026-12-01T00:00:00.000Z') =>
    clickUrl('https://links.example/r', { shopId: 'tea', sendId: 's1', destination, expiresAt }, secrets, [
      'tea.example',
      'evil.example',
    ]);

  it('redirects a signed click to the shop’s host and counts it as a visit', async () => {
    const { deps, records, table } = await world();
    await records.settle({ ...record('s1'), status: 'delivered' });
    const out = await followClick({ ...deps, secrets }, link('https://tea.example/oolong'));
    expect(out).toEqual({ ok: true, location: 'https://tea.example/oolong' });
    expect((await records.get('tea', 's1'))?.status).toBe('clicked');
    expect(table.takeStream().map((e) => [e.type, e.customerId])).toEqual([
      ['message_clicked', 'alice'],
      ['page_viewed', 'alice'],
    ]);
  });

  it('never redirects off the shop’s hosts, nor a tampered or expired link', async () => {
    const { deps } = await world();
    const d = { ...deps, secrets };
    // Signed for a host the shop has since removed (or never had).
    expect(await followClick(d, link('https://evil.example/'))).toEqual({
      ok: false,
      reason: 'host-not-allowed',
    });
    const tampered = link('https://tea.example/').replace('tea.example%2F', 'evil.example%2F');
    expect(await followClick(d, tampered)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(await followClick(d, link('https://tea.example/', '2026-11-01T00:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('records consent false for the link’s channel and purpose on the one-click POST, and not on GET', async () => {
    const { deps, table } = await world();
    const url = unsubscribeUrl(
      'https://links.example/u',
      {
        shopId: 'tea',
        customerId: 'alice',
        sendId: 's1',
        channel: 'email',
        purpose: 'marketing',
        expiresAt: '2027-11-01T00:00:00.000Z',
      },
      secrets,
    );
    expect(checkUnsubscribe({ ...deps, secrets }, url)).toMatchObject({ ok: true, channel: 'email' });
    expect(table.takeStream()).toEqual([]);
    expect(await unsubscribe({ ...deps, secrets }, url)).toMatchObject({ ok: true });
    expect(await unsubscribe({ ...deps, secrets }, url)).toMatchObject({ ok: true });
    expect(table.takeStream().map((e) => [e.type, e.customerId, e.properties])).toEqual([
      ['unsubscribed', 'alice', { channel: 'email', purpose: 'marketing' }],
    ]);
    expect(await unsubscribe({ ...deps, secrets }, url.replace('alice', 'bob'))).toMatchObject({ ok: false });
  });

  it('follows a preview’s links without recording a click, a visit or an unsubscribe', async () => {
    const { deps, records, table } = await world();
    await records.settle({ ...record('s1'), status: 'delivered' });
    const d = { ...deps, secrets };
    const click = clickUrl(
      'https://links.example/r',
      {
        shopId: 'tea',
        sendId: 's1',
        destination: 'https://tea.example/oolong',
        expiresAt: '2026-12-01T00:00:00.000Z',
        preview: true,
      },
      secrets,
      ['tea.example'],
    );
    expect(await followClick(d, click)).toEqual({ ok: true, location: 'https://tea.example/oolong' });
    const unsubscribeLink = unsubscribeUrl(
      'https://links.example/u',
      {
        shopId: 'tea',
        customerId: 'alice',
        sendId: 's1',
        channel: 'email',
        purpose: 'marketing',
        expiresAt: '2027-11-01T00:00:00.000Z',
        preview: true,
      },
      secrets,
    );
    expect(await unsubscribe(d, unsubscribeLink)).toEqual({
      ok: true,
      shopId: 'tea',
      channel: 'email',
      purpose: 'marketing',
      preview: true,
    });
    expect((await records.get('tea', 's1'))?.status).toBe('delivered');
    expect(table.takeStream()).toEqual([]);
    // The marker is signed: taken off, the link is not a real one, and nothing is recorded either.
    expect(await followClick(d, click.replace('&m=preview', ''))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(await unsubscribe(d, unsubscribeLink.replace('&m=preview', ''))).toMatchObject({ ok: false });
    expect(table.takeStream()).toEqual([]);
  });
});
