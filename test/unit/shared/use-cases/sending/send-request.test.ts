import { describe, expect, it } from 'vitest';
import { newProfile, type Profile } from '../../../../../shared/domain/customers/profile.js';
import { verifyClickUrl, verifyUnsubscribeUrl } from '../../../../../shared/domain/sending/links.js';
import { PermanentSendError, ThrottledError } from '../../../../../shared/domain/sending/messages.js';
import { type SendIntent, sendIdOf } from '../../../../../shared/domain/sending/send-identity.js';
import type { SendRequest } from '../../../../../shared/domain/sending/send-request.js';
import { defaultShopSettings } from '../../../../../shared/domain/shops/shop.js';
import { SendInFlight, sendRequest } from '../../../../../shared/use-cases/sending/send-request.js';
import { trackSesEvent } from '../../../../../shared/use-cases/sending/tracking.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import { FakeEventStore } from '../../../../support/fakes/customers.js';
import {
  FakeEmailChannel,
  FakeSendRecords,
  FakeShopSending,
  FakeSmsChannel,
  FakeTemplates,
} from '../../../../support/fakes/sending.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { FakeTable } from '../../../../support/fakes/table.js';
import { links, secrets } from '../../../../support/links.js';

function customer(id: string, traits: Profile['traits']): Profile {
  const p = newProfile('tea', id, '2026-01-01T00:00:00.000Z');
  return {
    ...p,
    traits,
    tier: 'vip',
    activity: {
      ...p.activity,
      lastSeenAt: '2026-10-30T12:00:00.000Z',
      productViews: { oolong: { count: 4, lastAt: '2026-10-30T12:00:00.000Z', recentAt: [] } },
    },
  };
}

const alice = customer('alice', {
  name: 'Alice',
  email: 'alice@example.com',
  phone: '+8613800138000',
  consent: { email: { marketing: true, care: true }, sms: { marketing: true } },
});

async function world() {
  const clock = new FakeClock('2026-11-02T09:00:00.000Z');
  const records = new FakeSendRecords();
  const shops = new FakeShopStore();
  await shops.putShop({
    ...defaultShopSettings('tea', 'Tea House', '2026-01-01T00:00:00.000Z'),
    defaultRegion: 'GB',
  });
  const sending = new FakeShopSending();
  sending.set('tea', { allowedHosts: ['tea.example'], url: 'https://tea.example/' });
  const people = new Map<string, Profile>([['alice', alice]]);
  const email = new FakeEmailChannel();
  const sms = new FakeSmsChannel();
  const deps = {
    records,
    shops,
    sending,
    templates: new FakeTemplates(),
    profiles: { get: async (_shop: string, id: string) => people.get(id) ?? null },
    email,
    sms,
    links,
    clock: clock.now,
  };
  return { clock, records, sending, people, email, sms, deps };
}

function request(overrides: Partial<SendRequest> = {}, intent: Partial<SendIntent> = {}): SendRequest {
  const i: SendIntent = {
    shopId: 'tea',
    customerId: 'alice',
    source: { kind: 'campaign', campaignId: 'autumn' },
    step: 'm1',
    occurrence: '2026-11',
    ...intent,
  };
  return {
    sendId: sendIdOf(i),
    intent: i,
    channel: 'email',
    purpose: 'marketing',
    templateId: 'browse-abandonment',
    data: {
      products: [{ sku: 'oolong', name: 'Oolong Gold', url: 'https://tea.example/oolong', price: 88 }],
      coupon: { code: 'AUTUMN-7Q2' },
    },
    requestedAt: '2026-11-02T08:59:00.000Z',
    ...overrides,
  };
}

describe('sending a request', () => {
  it('renders the playbook default for the customer and sends it once, with the one-click headers', async () => {
    const { deps, email, records } = await world();
    const r = request();
    expect(await sendRequest(deps, r)).toEqual({ status: 'sent', providerMessageId: 'ses-1' });
    const [sent] = email.accepted;
    expect(sent?.to).toBe('alice@example.com');
    expect(sent?.text).toContain('Alice');
    expect(sent?.html).toContain('Oolong Gold');
    expect(sent?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /<(https:[^>]+)>/.exec(sent?.headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    expect(verifyUnsubscribeUrl(unsubscribe, secrets, deps.clock())).toMatchObject({
      ok: true,
      customerId: 'alice',
      channel: 'email',
      purpose: 'marketing',
    });
    // The product link goes through the signed click redirect to the shop's own host.
    const click = /href="(https:\/\/links\.example\/r\?[^"]+)"/
      .exec(sent?.html ?? '')?.[1]
      ?.replaceAll('&amp;', '&');
    expect(click && verifyClickUrl(click, secrets, ['tea.example'], deps.clock())).toMatchObject({
      ok: true,
    });
    expect(await records.get('tea', r.sendId)).toMatchObject({
      status: 'sent',
      providerMessageId: 'ses-1',
      couponCode: 'AUTUMN-7Q2',
      costMicros: 100,
      history: [{ status: 'sending' }, { status: 'sent' }],
    });
    expect(await sendRequest(deps, r)).toEqual({ status: 'duplicate' });
    expect(email.accepted).toHaveLength(1);
  });

  it('writes in the customer locale when the request names it, else in the shop region’s', async () => {
    const { deps, email } = await world();
    await sendRequest(deps, request({}, { step: 'en' }));
    await sendRequest(deps, request({ data: { locale: 'zh-CN' } }, { step: 'zh' }));
    expect(email.accepted[0]?.text).toMatch(/Hi|Hello/);
    expect(email.accepted[1]?.text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('records a withheld request with its reason and sends nothing', async () => {
    const { deps, email, records } = await world();
    const r = request({ withheld: { reason: 'held-out' } });
    expect(await sendRequest(deps, r)).toEqual({ status: 'withheld', reason: 'held-out' });
    expect(await sendRequest(deps, r)).toEqual({ status: 'duplicate' });
    expect(email.accepted).toEqual([]);
    expect(await records.get('tea', r.sendId)).toMatchObject({ status: 'withheld', reason: 'held-out' });
  });

  it.each([
    ['expired', request({ expiresAt: '2026-11-02T08:00:00.000Z' })],
    ['no-consent', request({}, { customerId: 'bob' })],
    ['unsubscribed', request({}, { customerId: 'carol' })],
    ['suppressed', request({}, { customerId: 'dave' })],
    ['no-address', request({ channel: 'sms' }, { customerId: 'erin' })],
    ['unknown-customer', request({}, { customerId: 'nobody' })],
  ])('skips with the reason %s', async (reason, r) => {
    const { deps, email, sms, records, people } = await world();
    people.set('bob', customer('bob', { email: 'bob@example.com' }));
    people.set(
      'carol',
      customer('carol', { email: 'c@example.com', consent: { email: { marketing: false } } }),
    );
    people.set(
      'dave',
      customer('dave', {
        email: 'd@example.com',
        consent: { email: { marketing: true } },
        suppressed: { email: 'bounced' },
      }),
    );
    people.set('erin', customer('erin', { email: 'e@example.com', consent: { sms: { marketing: true } } }));
    expect(await sendRequest(deps, r)).toEqual({ status: 'skipped', reason });
    expect(await records.get('tea', r.sendId)).toMatchObject({ status: 'skipped', reason });
    expect([...email.accepted, ...sms.accepted]).toEqual([]);
  });

  it('sends a transactional message on care consent, whatever marketing says', async () => {
    const { deps, people, email } = await world();
    people.set(
      'carol',
      customer('carol', { email: 'c@example.com', consent: { email: { marketing: false } } }),
    );
    const r = request(
      {
        purpose: 'transactional',
        templateId: 'order-care-shipped',
        data: { order: { id: 'SO-1', carrier: 'SF' } },
      },
      { customerId: 'carol' },
    );
    expect(await sendRequest(deps, r)).toMatchObject({ status: 'sent' });
    expect(email.accepted[0]?.text).toContain('SO-1');
  });

  it('skips email while the shop is paused for its bounce rate', async () => {
    const { deps, sending, email } = await world();
    await sending.pause(
      'tea',
      [{ kind: 'bounce-rate', rate: 0.03, threshold: 0.02, message: 'too many bounces' }],
      'x',
    );
    expect(await sendRequest(deps, request())).toEqual({ status: 'skipped', reason: 'shop-paused' });
    expect(email.accepted).toEqual([]);
  });

  it('sends as the shop’s own sender, with its reply-to and its cap on what an SMS may cost', async () => {
    const { deps, sending, email, sms } = await world();
    await sending.put('tea', {
      from: { address: 'care@tea.example', name: 'Tea House' },
      replyTo: ['owner@tea.example'],
      smsMaxPriceUsd: 0.02,
      allowedHosts: ['tea.example'],
    });
    await sendRequest(deps, request());
    await sendRequest(deps, request({ channel: 'sms' }, { step: 'm2' }));
    expect(email.accepted[0]).toMatchObject({
      from: 'Tea House <care@tea.example>',
      replyTo: ['owner@tea.example'],
    });
    expect(sms.accepted[0]).toMatchObject({ maxPriceUsd: 0.02 });
  });

  it('sends SMS with the opt-out wording of marketing defaults', async () => {
    const { deps, sms } = await world();
    expect(await sendRequest(deps, request({ channel: 'sms' }))).toMatchObject({ status: 'sent' });
    expect(sms.accepted[0]).toMatchObject({ to: '+8613800138000' });
    expect(sms.accepted[0]?.text).toMatch(/STOP|TD|退订/i);
  });

  it('records a permanent refusal as failed and never tries again', async () => {
    const { deps, email, records } = await world();
    email.failNextWith(new PermanentSendError('MessageRejected: bad address'));
    const r = request();
    expect(await sendRequest(deps, r)).toEqual({ status: 'failed', reason: 'MessageRejected: bad address' });
    expect(await sendRequest(deps, r)).toEqual({ status: 'duplicate' });
    expect((await records.get('tea', r.sendId))?.status).toBe('failed');
  });

  it('gives the claim back when throttled, so the retry sends at once', async () => {
    const { deps, email } = await world();
    email.failNextWith(new ThrottledError('Maximum sending rate exceeded'));
    const r = request();
    await expect(sendRequest(deps, r)).rejects.toBeInstanceOf(ThrottledError);
    expect(await sendRequest(deps, r)).toMatchObject({ status: 'sent' });
    expect(email.accepted).toHaveLength(1);
  });
});

describe('a crash while holding the claim', () => {
  it('makes a retry within the lease wait (the queue redelivers), and one after it take over and send', async () => {
    const { deps, records, email, clock } = await world();
    const r = request();
    records.faults.failNext('handOver', 1, new Error('crash before SES'));
    await expect(sendRequest(deps, r)).rejects.toThrow('crash before SES');
    expect((await records.get('tea', r.sendId))?.status).toBe('sending');
    clock.advance({ minutes: 3 });
    await expect(sendRequest(deps, r)).rejects.toBeInstanceOf(SendInFlight);
    clock.advance({ minutes: 3 });
    expect(await sendRequest(deps, r)).toMatchObject({ status: 'sent' });
    expect(email.accepted).toHaveLength(1);
  });

  it('between SES accepting and the record: SES’s Send event settles it, and the retry sends nothing', async () => {
    const { deps, records, email, clock, sending } = await world();
    const r = request();
    email.crashAfterAccepting();
    await expect(sendRequest(deps, r)).rejects.toThrow('injected crash');
    // SES publishes the Send event with the message's tags; tracking appends it.
    const table = new FakeTable();
    const tracking = { records, customerEvents: new FakeEventStore(table), sending, clock: clock.now };
    await trackSesEvent(
      tracking,
      {
        eventType: 'Send',
        mail: {
          timestamp: clock.iso(),
          messageId: 'ses-msg-1',
          tags: { send_id: [r.sendId], shop_id: ['tea'] },
        },
      },
      'sns-1',
    );
    clock.advance({ minutes: 6 });
    expect(await sendRequest(deps, r)).toEqual({ status: 'duplicate' });
    expect(email.accepted).toHaveLength(1);
    expect(await records.get('tea', r.sendId)).toMatchObject({
      status: 'sent',
      providerMessageId: 'ses-msg-1',
    });
  });

  it('between SNS accepting and the record: in doubt, recorded failed, never resent', async () => {
    const { deps, records, sms, clock } = await world();
    const r = request({ channel: 'sms' });
    sms.crashAfterAccepting();
    await expect(sendRequest(deps, r)).rejects.toThrow('injected crash');
    clock.advance({ minutes: 6 });
    expect(await sendRequest(deps, r)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^in-doubt/),
    });
    expect(sms.accepted).toHaveLength(1);
    expect((await records.get('tea', r.sendId))?.status).toBe('failed');
  });
});
