import { beforeAll, describe, expect, it } from 'vitest';
import { call, newShop, type Shop, settle } from '../../support/api.js';

let shop: Shop;

const body = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>{{ customer.name | default: '亲爱的顾客' }}，您好！</mj-text>
        <mj-text>您已经看了 {{ viewed_product.views }} 次{{ viewed_product.name }}，现在下单立减。</mj-text>
        <mj-button href="{{ viewed_product.url }}">去看看</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

const template = {
  id: 'tea-reminder',
  name: '浏览提醒',
  channel: 'email',
  variants: { 'zh-CN': { subject: '{{ customer.name }}，{{ viewed_product.name }}还在等您', body } },
};

beforeAll(async () => {
  shop = await newShop();
  await call(shop, 'PUT', '/v1/customers/mei', {
    name: '李梅',
    email: 'mei@example.com',
    consent: { email: { marketing: true, care: true } },
  });
  const at = Date.now() - 3_600_000;
  await call(shop, 'POST', '/v1/events', {
    events: [0, 1, 2].map((i) => ({
      id: `view-${i}`,
      type: 'page_viewed',
      customerId: 'mei',
      occurredAt: new Date(at + i * 60_000).toISOString(),
      properties: { url: 'https://tea.example/longjing', sku: 'longjing' },
    })),
  });
  await settle();
});

describe('templates through the HTTP API', () => {
  it('saves a Chinese template and previews it for a customer: name and product in html and text', async () => {
    const saved = await call(shop, 'POST', '/v1/templates', template);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ id: 'tea-reminder', source: 'shop', version: 1, locales: ['zh-CN'] });

    const preview = await call(shop, 'POST', '/v1/templates/tea-reminder/preview', {
      customerId: 'mei',
      data: {
        locale: 'zh-CN',
        products: [{ sku: 'longjing', name: '明前龙井', url: 'https://tea.example/longjing' }],
      },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      source: 'shop',
      channel: 'email',
      to: 'mei@example.com',
      skip: null,
    });
    expect(preview.body.subject).toBe('李梅，明前龙井还在等您');
    for (const part of [preview.body.html, preview.body.text]) {
      expect(part).toContain('李梅，您好！');
      expect(part).toContain('您已经看了 3 次明前龙井');
    }
    // Not one of this new shop's hosts: the link goes as it is, as the sender would send it.
    expect(preview.body.html).toContain('href="https://tea.example/longjing"');

    const listed = await call(shop, 'GET', '/v1/templates');
    expect(listed.body.templates).toContainEqual(
      expect.objectContaining({ id: 'tea-reminder', source: 'shop', overrides: false }),
    );
    expect(listed.body.templates).toContainEqual(
      expect.objectContaining({ id: 'welcome', channel: 'email', source: 'playbook' }),
    );
  });

  it('refuses broken MJML with 400 and the line, and a stale version with 409', async () => {
    const broken = body.replace('<mj-button ', '<mj-button colour="red" ');
    const refused = await call(shop, 'PUT', '/v1/templates/tea-reminder', {
      ...template,
      id: undefined,
      variants: { 'zh-CN': { subject: '您好', body: broken } },
      version: 1,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([
      { path: 'variants.zh-CN.body', line: 7, message: 'Attribute colour is illegal' },
    ]);

    const { id: _, ...rest } = template;
    const v2 = await call(shop, 'PUT', '/v1/templates/tea-reminder', { ...rest, name: '第二版', version: 1 });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ name: '第二版', version: 2 });
    const stale = await call(shop, 'PUT', '/v1/templates/tea-reminder', { ...rest, version: 1 });
    expect(stale.status).toBe(409);
    const got = await call(shop, 'GET', '/v1/templates/tea-reminder');
    expect(got.body).toMatchObject({ name: '第二版', version: 2 });
  });
});
