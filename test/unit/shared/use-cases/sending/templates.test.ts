import { describe, expect, it } from 'vitest';
import { newProfile, type Profile } from '../../../../../shared/domain/customers/profile.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../../../shared/domain/errors.js';
import { verifyClickUrl } from '../../../../../shared/domain/sending/links.js';
import { type SendIntent, sendIdOf } from '../../../../../shared/domain/sending/send-identity.js';
import type { SendRequest } from '../../../../../shared/domain/sending/send-request.js';
import { defaultShopSettings, type ShopSettings } from '../../../../../shared/domain/shops/shop.js';
import { sendRequest } from '../../../../../shared/use-cases/sending/send-request.js';
import {
  createTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  updateTemplate,
} from '../../../../../shared/use-cases/sending/templates.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import {
  FakeEmailChannel,
  FakeSendRecords,
  FakeShopSending,
  FakeSmsChannel,
  FakeTemplates,
} from '../../../../support/fakes/sending.js';
import { FakeShopStore } from '../../../../support/fakes/shops.js';
import { links, secrets } from '../../../../support/links.js';

const shop: ShopSettings = {
  ...defaultShopSettings('tea', 'Tea House', '2026-01-01T00:00:00.000Z'),
  defaultRegion: 'CN',
};

const mei: Profile = (() => {
  const p = newProfile('tea', 'mei', '2026-01-01T00:00:00.000Z');
  return {
    ...p,
    traits: {
      name: '李梅',
      email: 'mei@example.com',
      phone: '+8613800138000',
      consent: { email: { marketing: true, care: true }, sms: { marketing: true } },
    },
    tier: 'vip',
    activity: {
      ...p.activity,
      lastSeenAt: '2026-10-30T12:00:00.000Z',
      productViews: { longjing: { count: 3, lastAt: '2026-10-30T12:00:00.000Z', recentAt: [] } },
    },
  };
})();

const products = [{ sku: 'longjing', name: '明前龙井', url: 'https://tea.example/longjing', price: 128 }];

const mjml = (text: string) => `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>${text}</mj-text>
        <mj-button href="{{ viewed_product.url }}">去看看</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const chinese = {
  id: 'browse-abandonment',
  name: '浏览提醒',
  channel: 'email',
  variants: {
    'zh-CN': {
      subject: '{{ customer.name }}，{{ viewed_product.name }} 还在等您',
      body: mjml('{{ customer.name }}您好，您看了 {{ viewed_product.views }} 次 {{ viewed_product.name }}。'),
    },
  },
};

async function world() {
  const clock = new FakeClock('2026-11-02T09:00:00.000Z');
  const templates = new FakeTemplates();
  const sending = new FakeShopSending();
  sending.set('tea', { allowedHosts: ['tea.example'], url: 'https://tea.example/' });
  const shops = new FakeShopStore();
  await shops.putShop(shop);
  const profiles = { get: async (_shop: string, id: string) => (id === 'mei' ? mei : null) };
  const email = new FakeEmailChannel();
  const sms = new FakeSmsChannel();
  const crud = { templates, clock: clock.now };
  const preview = { templates, sending, profiles, links, clock: clock.now };
  const sender = {
    records: new FakeSendRecords(),
    shops,
    sending,
    templates,
    profiles,
    email,
    sms,
    links,
    clock: clock.now,
  };
  return { clock, templates, crud, preview, sender, email, sms };
}

function request(channel: 'email' | 'sms', templateId = 'browse-abandonment'): SendRequest {
  const intent: SendIntent = {
    shopId: 'tea',
    customerId: 'mei',
    source: { kind: 'campaign', campaignId: 'autumn' },
    step: 'm1',
    occurrence: channel,
  };
  return {
    sendId: sendIdOf(intent),
    intent,
    channel,
    purpose: 'marketing',
    templateId,
    data: { locale: 'zh-CN', products },
    requestedAt: '2026-11-02T08:59:00.000Z',
  };
}

async function issuesOf(run: Promise<unknown>) {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

describe('saving templates', () => {
  it('compiles a Chinese email on save and keeps what was written to edit again', async () => {
    const { crud } = await world();
    const saved = await createTemplate(crud, shop, chinese);
    expect(saved).toMatchObject({ id: 'browse-abandonment', source: 'shop', overrides: true, version: 1 });
    expect(saved.locales).toEqual(['zh-CN']);
    expect(await getTemplate(crud, 'tea', 'browse-abandonment')).toEqual(saved);
    expect(saved.variants['zh-CN']?.body).toBe(chinese.variants['zh-CN'].body);
  });

  it('reports MJML mistakes at their line in the locale’s body, and Liquid ones with line and column', async () => {
    const { crud, templates } = await world();
    const broken = mjml('hi').replace('<mj-text>', '<mj-text colour="red">');
    const issues = await issuesOf(
      createTemplate(crud, shop, {
        ...chinese,
        id: 'autumn',
        variants: {
          en: { subject: 'Hi', body: broken },
          'zh-CN': { subject: '{{ customer.name | nosuchfilter }}', body: mjml('{% if customer.name %}') },
        },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: 'variants.zh-CN.subject',
          line: 1,
          column: 1,
          message: expect.stringContaining('nosuchfilter'),
        },
        { path: 'variants.zh-CN.body', line: 5, column: 18, message: expect.stringContaining('not closed') },
        { path: 'variants.en.body', line: 5, message: 'Attribute colour is illegal' },
      ]),
    );
    expect(await templates.list('tea')).toEqual([]);
  });

  it('refuses a body that is not a template: paths of the fields, an SMS with a subject, an email without one', async () => {
    const { crud } = await world();
    const issues = await issuesOf(
      createTemplate(crud, shop, { id: 'Bad Id', name: '', channel: 'fax', variants: { fr: { body: 'x' } } }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['channel', 'id', 'name', 'variants', 'variants']);
    expect(issues.filter((i) => i.path === 'variants').map((i) => i.message)).toEqual([
      'Unrecognized key: "fr"',
      'at least one locale',
    ]);
    expect(
      await issuesOf(
        createTemplate(crud, shop, {
          id: 'note',
          name: 'note',
          channel: 'sms',
          variants: { en: { subject: 'x', body: 'Hi {{ customer.name }}' } },
        }),
      ),
    ).toEqual([{ path: 'variants.en.subject', message: 'an SMS has no subject' }]);
    expect(
      await issuesOf(createTemplate(crud, shop, { ...chinese, variants: { en: { body: mjml('hi') } } })),
    ).toEqual([{ path: 'variants.en.subject', message: 'A subject is required' }]);
  });

  it('updates only from the version read: a stale or a second create is a conflict', async () => {
    const { crud, clock } = await world();
    await createTemplate(crud, shop, chinese);
    await expect(createTemplate(crud, shop, chinese)).rejects.toBeInstanceOf(ConflictError);
    const { id: _, ...body } = chinese;
    clock.advance({ minutes: 1 });
    const v2 = await updateTemplate(crud, shop, 'browse-abandonment', {
      ...body,
      name: '第二版',
      version: 1,
    });
    expect(v2).toMatchObject({ name: '第二版', version: 2, updatedAt: '2026-11-02T09:01:00.000Z' });
    await expect(
      updateTemplate(crud, shop, 'browse-abandonment', { ...body, version: 1 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(updateTemplate(crud, shop, 'nosuch', { ...body, version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // A PUT recompiles: a broken body is refused and version 2 stays.
    await issuesOf(
      updateTemplate(crud, shop, 'browse-abandonment', {
        ...body,
        variants: { en: { subject: 'x', body: mjml('{% endif %}') } },
        version: 2,
      }),
    );
    expect((await getTemplate(crud, 'tea', 'browse-abandonment')).version).toBe(2);
  });

  it('lists the shop’s own and every playbook default, the replaced default marked', async () => {
    const { crud } = await world();
    await createTemplate(crud, shop, chinese);
    const list = await listTemplates(crud, 'tea');
    expect(list[0]).toMatchObject({ id: 'browse-abandonment', source: 'shop', overrides: true });
    const defaults = list.filter((t) => t.id === 'browse-abandonment' && t.source === 'playbook');
    expect(defaults.map((t) => [t.channel, t.overrides])).toEqual([
      ['email', true],
      ['sms', false],
    ]);
    expect(list.filter((t) => t.source === 'playbook' && t.overrides)).toHaveLength(1);
    // The default's own source can be read to copy and edit.
    const sms = await getTemplate(crud, 'tea', 'browse-abandonment', 'sms');
    expect(sms).toMatchObject({ source: 'playbook', channel: 'sms' });
    expect(sms.variants.en?.body).toContain('STOP');
    await expect(getTemplate(crud, 'tea', 'nosuch')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('a shop template under a playbook’s id', () => {
  it('is what the sender sends instead of the default, on its channel only', async () => {
    const { crud, sender, email, sms } = await world();
    await createTemplate(crud, shop, chinese);
    expect(await sendRequest(sender, request('email'))).toMatchObject({ status: 'sent' });
    expect(email.accepted[0]?.subject).toBe('李梅，明前龙井 还在等您');
    expect(email.accepted[0]?.text).toContain('李梅您好，您看了 3 次 明前龙井。');
    // The playbook's SMS default still goes to SMS customers.
    expect(await sendRequest(sender, request('sms'))).toMatchObject({ status: 'sent' });
    expect(sms.accepted[0]?.text).toContain('明前龙井');
  });
});

describe('previewing', () => {
  /** Signed links differ by send id; everything else must be the same. */
  const unsigned = (s: string | undefined) =>
    s?.replace(/https:\/\/links\.example\/[ru]\?[^"\s<>)]+/g, 'LINK');

  it('renders a real customer’s message exactly as the sender sends it, sending nothing', async () => {
    const { crud, preview, sender, email } = await world();
    await createTemplate(crud, shop, chinese);
    const shown = await previewTemplate(preview, shop, 'browse-abandonment', {
      customerId: 'mei',
      data: { locale: 'zh-CN', products },
    });
    expect(email.accepted).toEqual([]);
    expect(shown).toMatchObject({ source: 'shop', channel: 'email', to: 'mei@example.com', skip: null });
    expect(shown.html).toContain('李梅您好，您看了 3 次 明前龙井。');
    const button =
      /href="(https:\/\/links\.example\/r\?[^"]+)"/.exec(shown.html ?? '')?.[1]?.replaceAll('&amp;', '&') ??
      '';
    // Its links are a preview's: they lead where the sent ones do, but record nothing (tracking.test.ts).
    expect(verifyClickUrl(button, secrets, ['tea.example'], preview.clock())).toMatchObject({
      ok: true,
      destination: 'https://tea.example/longjing',
      preview: true,
    });
    await sendRequest(sender, request('email'));
    const [sent] = email.accepted;
    expect(unsigned(shown.subject)).toBe(unsigned(sent?.subject));
    expect(unsigned(shown.html)).toBe(unsigned(sent?.html));
    expect(unsigned(shown.text)).toBe(unsigned(sent?.text));
  });

  it('renders a playbook default on the channel asked, and says when the sender would skip', async () => {
    const { preview } = await world();
    const shown = await previewTemplate(preview, shop, 'browse-abandonment', {
      customerId: 'mei',
      channel: 'sms',
      data: { locale: 'en', products },
    });
    expect(shown).toMatchObject({ source: 'playbook', channel: 'sms', to: '+8613800138000', skip: null });
    expect(shown.text).toContain('Reply STOP');
    const paused = await world();
    paused.preview.sending.set('tea', { allowedHosts: ['tea.example'], paused: { at: 'x', reasons: [] } });
    expect((await previewTemplate(paused.preview, shop, 'welcome', { customerId: 'mei' })).skip).toBe(
      'shop-paused',
    );
  });

  it('answers not found for an unknown template or customer, and 400 for bad data', async () => {
    const { preview } = await world();
    await expect(previewTemplate(preview, shop, 'nosuch', { customerId: 'mei' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(previewTemplate(preview, shop, 'welcome', { customerId: 'bo' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(
      await issuesOf(
        previewTemplate(preview, shop, 'welcome', { customerId: 'mei', data: { products: 'x' } }),
      ),
    ).toEqual([{ path: 'data', message: 'bad-data: products' }]);
  });
});
