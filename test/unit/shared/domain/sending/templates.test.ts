import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newProfile, type Profile } from '../../../../../shared/domain/customers/profile.js';
import {
  defaultTemplate,
  playbookIds,
  playbookPurpose,
} from '../../../../../shared/domain/sending/default-templates.js';
import { compileTemplate } from '../../../../../shared/domain/sending/template-compiler.js';
import {
  type CompiledTemplate,
  locales,
  type MessageContext,
  messageContext,
  renderTemplate,
  type TemplateSource,
} from '../../../../../shared/domain/sending/templates.js';
import { packagesReached } from '../../../../support/import-graph.js';

const domain = resolve(import.meta.dirname, '../../../../../shared/domain/sending');

async function compiled(source: TemplateSource): Promise<CompiledTemplate> {
  const result = await compileTemplate(source);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.template;
}

const email = (mjmlBody: string, subject = 'Hello {{ customer.name }}'): TemplateSource => ({
  channel: 'email',
  locale: 'en',
  subject,
  mjml: `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n${mjmlBody}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`,
});

const context: MessageContext = {
  shop: { name: 'Tea & Co', url: 'https://tea.example/' },
  customer: { name: 'Ann <script>', tier: 'vip', last_visit: '2025-02-20', days_since_last_visit: 9 },
  viewed_product: {
    sku: 'oolong',
    name: 'Oolong "Gold"',
    url: 'https://tea.example/oolong',
    price: 88,
    views: 4,
  },
  cross_sell: [{ sku: 'cup', name: 'Cup', url: 'https://tea.example/cup', price: 19.9 }],
  cart: {
    items: [{ sku: 'pot', name: 'Teapot', url: 'https://tea.example/pot', quantity: 1 }],
    line_count: 1,
  },
  coupon: { code: 'SPRING-7Q2', description: '5 off 150', expires_on: '2025-03-31' },
  order: { id: 'o-9', total: 129.9, currency: 'CNY', pay_url: 'https://tea.example/pay/o-9', carrier: 'SF' },
  tier_change: { from: 'member', to: 'vip', benefits: ['10% off', 'free shipping'] },
  offer: { threshold: 80 },
  occasion: { name: 'Double 11' },
  unsubscribe_url: 'https://u.huitou.example/unsubscribe?s=shop&sig=x',
};
const bare: MessageContext = {
  shop: { name: 'Tea & Co' },
  customer: {},
  cross_sell: [],
  unsubscribe_url: 'https://u.example/u',
};

describe('the send path', () => {
  it('renders with Liquid alone: templates.ts reaches neither MJML nor html-to-text', () => {
    const reached = packagesReached(resolve(domain, 'templates.ts'));
    expect(reached.has('liquidjs')).toBe(true);
    expect([...reached].filter((p) => /mjml|html-to-text/.test(p))).toEqual([]);
    // The compiler is where they live; the check would see them.
    expect(packagesReached(resolve(domain, 'template-compiler.ts')).has('mjml')).toBe(true);
  });
});

describe('compiling on save', () => {
  it('turns MJML into HTML and a text part, keeping the Liquid for send time', async () => {
    const t = await compiled(
      email(
        '<mj-text><h1>Hi {{ customer.name | default: "there" }}</h1>{% if coupon %}<p>Code {{ coupon.code }}</p>{% endif %}</mj-text>\n<mj-button href="{{ shop.url }}">Shop</mj-button>',
      ),
    );
    if (t.channel !== 'email') throw new Error('email expected');
    expect(t.html).toContain('<!doctype html>');
    expect(t.html).toContain('Hi {{ customer.name | default: "there" }}');
    expect(t.html).toContain('href="{{ shop.url }}"');
    expect(t.html).toContain('{% if coupon %}');
    // Headings keep their case (html-to-text would shout them) and Liquid survives in the text part.
    expect(t.text).toContain('Hi {{ customer.name | default: "there" }}');
    expect(t.text).toContain('Shop [{{ shop.url }}]');
    expect(t.text).not.toContain('<');
  });

  it('reports a Liquid error with its line and column', async () => {
    const result = await compileTemplate(email('<mj-text>\n  {% if coupon %}\n  Code\n</mj-text>'));
    expect(result).toEqual({
      ok: false,
      issues: [
        expect.objectContaining({
          path: 'mjml',
          line: 6,
          column: 3,
          message: expect.stringContaining('not closed'),
        }),
      ],
    });
  });

  it('reports a misspelt filter on save rather than sending an empty value', async () => {
    const result = await compileTemplate(
      email('<mj-text>x</mj-text>', 'Hi {{ customer.name | defualt: "you" }}'),
    );
    expect(result.ok === false && result.issues).toEqual([
      expect.objectContaining({ path: 'subject', line: 1, message: 'undefined filter: defualt' }),
    ]);
  });

  it('reports MJML errors at the line of the saved source, whatever Liquid spans lines before it', async () => {
    const result = await compileTemplate(
      email('<mj-text>{% if coupon\n  and shop %}x{% endif %}</mj-text>\n<mj-bogus></mj-bogus>'),
    );
    expect(result.ok === false && result.issues).toEqual([
      expect.objectContaining({ path: 'mjml', line: 7, message: expect.stringContaining('mj-bogus') }),
    ]);
  });

  it('refuses Liquid MJML would drop, rather than losing it silently', async () => {
    const source = email('{% if coupon %}\n<mj-text>Code</mj-text>\n{% endif %}');
    const result = await compileTemplate(source);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.issues[0]).toMatchObject({ path: 'mjml', line: 5 });
    expect(result.ok === false && result.issues[0]?.message).toMatch(/outside any content MJML keeps/);
  });

  it('requires a subject, and SMS text that parses', async () => {
    expect(await compileTemplate(email('<mj-text>x</mj-text>', ' '))).toMatchObject({
      ok: false,
      issues: [{ path: 'subject' }],
    });
    expect(
      await compileTemplate({ channel: 'sms', locale: 'en', text: 'Hi {{ customer.name ' }),
    ).toMatchObject({
      ok: false,
      issues: [{ path: 'text', line: 1 }],
    });
    const sms = { channel: 'sms', locale: 'zh-CN', text: '【{{ shop.name }}】好久不见' } as const;
    expect(await compileTemplate(sms)).toEqual({ ok: true, template: sms });
  });
});

describe('rendering at send time', () => {
  it('escapes values in the HTML part only', async () => {
    const t = await compiled(
      email('<mj-text>Hi {{ customer.name }}, see {{ viewed_product.name }}</mj-text>'),
    );
    const m = renderTemplate(t, context);
    expect(m.html).toContain('Hi Ann &lt;script&gt;, see Oolong &#34;Gold&#34;');
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain('Hi Ann <script>, see Oolong "Gold"');
    expect(m.subject).toBe('Hello Ann <script>');
  });

  it('renders missing values as nothing, and fallbacks where the template gives them', async () => {
    const t = await compiled(
      email(
        '<mj-text>Hi {{ customer.name | default: "there" }}, {{ viewed_product.name }}|{{ nothing.at.all }}|</mj-text>',
      ),
    );
    const m = renderTemplate(t, bare);
    expect(m.text).toContain('Hi there, ||');
    expect(m.subject).toBe('Hello');
  });

  it('keeps a subject on one line whatever a value holds', async () => {
    const t = await compiled(email('<mj-text>x</mj-text>'));
    expect(renderTemplate(t, { ...bare, customer: { name: 'Ann\r\nBcc: x@evil.example' } }).subject).toBe(
      'Hello Ann Bcc: x@evil.example',
    );
  });
});

describe('default templates', () => {
  const cases = playbookIds.flatMap((id) => locales.map((locale) => [id, locale] as const));

  it.each(cases)(
    '%s (%s) compiles and renders full and bare contexts with nothing left over',
    async (id, locale) => {
      const t = await compiled(defaultTemplate(id, locale, 'email'));
      for (const ctx of [context, bare]) {
        const m = renderTemplate(t, ctx);
        for (const part of [m.subject, m.html, m.text]) {
          expect(part).toBeTruthy();
          expect(part).not.toMatch(/\{\{|\{%|lqph/);
        }
        expect(m.html).toContain(`href="${ctx.unsubscribe_url.replace(/&/g, '&amp;')}"`);
        expect(m.text).toContain(ctx.unsubscribe_url);
      }
      const sms = renderTemplate(await compiled(defaultTemplate(id, locale, 'sms')), context).text;
      expect(sms).not.toMatch(/\{\{|\{%/);
      const optOut = locale === 'en' ? /Reply STOP/ : /回TD退订/;
      expect(optOut.test(sms)).toBe(playbookPurpose(id) === 'marketing');
    },
  );

  it('personalise: the Chinese cart reminder shows the name, the cart and the coupon', async () => {
    const m = renderTemplate(await compiled(defaultTemplate('cart-abandonment', 'zh-CN', 'email')), context);
    expect(m.subject).toBe('您的购物车还有商品未结算');
    expect(m.text).toContain('Ann <script>，您好');
    expect(m.text).toContain('Teapot [https://tea.example/pot] × 1');
    expect(m.text).toContain('SPRING-7Q2');
    expect(m.html).toContain('Ann &lt;script&gt;，您好');
  });

  it('personalise: the browse reminder shows the product viewed, its picture and its reviews link', async () => {
    const viewed = {
      ...context,
      viewed_product: {
        sku: 'oolong',
        name: 'Oolong "Gold"',
        url: 'https://tea.example/oolong',
        image_url: 'https://tea.example/o.jpg',
        views: 4,
      },
    };
    for (const locale of locales) {
      const m = renderTemplate(
        await compiled(defaultTemplate('browse-abandonment', locale, 'email')),
        viewed,
      );
      expect(m.subject).toContain('Oolong "Gold"');
      expect(m.html).toContain('<img src="https://tea.example/o.jpg" alt="Oolong &#34;Gold&#34;"');
      expect(m.html).toContain('href="https://tea.example/oolong"');
      expect(m.text).toContain('Oolong "Gold" [https://tea.example/oolong]');
      expect(m.text).not.toContain('o.jpg');
    }
  });

  it('personalise: the tier change notice lists the new tier’s benefits', async () => {
    for (const [locale, label] of [
      ['en', 'Your benefits:'],
      ['zh-CN', '您的会员权益：'],
    ] as const) {
      const m = renderTemplate(await compiled(defaultTemplate('tier-change', locale, 'email')), context);
      expect(m.html).toContain('<li>10% off</li><li>free shipping</li>');
      expect(m.text).toContain(`${label}\n\n * 10% off\n\n * free shipping`);
    }
    const none = renderTemplate(await compiled(defaultTemplate('tier-change', 'en', 'email')), {
      ...context,
      tier_change: { to: 'vip', benefits: [] },
    });
    expect(none.text).not.toContain('Your benefits');
  });

  it('write the free-shipping offer’s threshold in the subject', async () => {
    const m = renderTemplate(
      await compiled(defaultTemplate('campaign-free-shipping', 'en', 'email')),
      context,
    );
    expect(m.subject).toBe('Free shipping on orders over 80');
  });
});

describe('the message context', () => {
  const profile = (): Profile => {
    const p = newProfile('shop-1', 'c-1', '2024-01-01T00:00:00Z');
    p.traits = { name: '王芳' };
    p.tier = 'vip';
    p.activity.lastSeenAt = '2025-02-20T17:30:00Z';
    const views = (count: number, lastAt: string) => ({ count, lastAt, recentAt: [lastAt] });
    p.activity.productViews = {
      oolong: views(4, '2025-02-19T00:00:00Z'),
      puer: views(4, '2025-02-20T00:00:00Z'),
      cup: views(2, '2025-02-20T01:00:00Z'),
    };
    return p;
  };
  const products = new Map(
    ['oolong', 'puer', 'cup', 'pot'].map((sku) => [
      sku,
      { sku, name: sku.toUpperCase(), url: `https://tea.example/${sku}` },
    ]),
  );
  const base = {
    shop: { name: 'Tea & Co', url: 'https://tea.example/', timeZone: 'Asia/Shanghai' },
    profile: profile(),
    products,
    crossSell: ['pot', 'unknown'],
    unsubscribeUrl: 'https://u.example/u?sig=1',
    now: new Date('2025-03-01T12:00:00Z'),
  };

  it('has the name, tier, last visit on the shop’s calendar and the product viewed several times', () => {
    const ctx = messageContext(base);
    expect(ctx.customer).toEqual({
      name: '王芳',
      tier: 'vip',
      last_visit: '2025-02-21',
      days_since_last_visit: 8,
    });
    // Two products viewed four times: the one seen last. The cup, seen twice, is not "several".
    expect(ctx.viewed_product).toMatchObject({ sku: 'puer', name: 'PUER', views: 4 });
    expect(ctx.cross_sell.map((p) => p.sku)).toEqual(['pot']);
    expect(ctx.unsubscribe_url).toBe('https://u.example/u?sig=1');
  });

  it('wraps every link for click tracking except the unsubscribe URL', () => {
    const ctx = messageContext({
      ...base,
      track: (url) => `https://t.example/r?u=${encodeURIComponent(url)}`,
    });
    expect(ctx.shop.url).toBe('https://t.example/r?u=https%3A%2F%2Ftea.example%2F');
    expect(ctx.viewed_product?.url).toMatch(/^https:\/\/t\.example\/r\?u=/);
    expect(ctx.cross_sell[0]?.url).toMatch(/^https:\/\/t\.example\/r\?u=/);
    expect(ctx.unsubscribe_url).toBe('https://u.example/u?sig=1');
  });

  it('lists the cart as it stands, by the names its lines carry, the request’s product facts, or the SKU', () => {
    const p = profile();
    p.activity.cart = {
      items: [
        { sku: 'pot', name: 'Teapot', price: 129, quantity: 1, url: 'https://tea.example/p/pot' },
        { sku: 'oolong', price: 88, quantity: 2 },
        { sku: 'mystery', price: 5, quantity: 3 },
      ],
      lineCount: 3,
      updatedAt: '2025-02-20T00:00:00Z',
    };
    const ctx = messageContext({ ...base, profile: p });
    expect(ctx.cart?.items).toEqual([
      { sku: 'pot', name: 'Teapot', url: 'https://tea.example/p/pot', price: 129, quantity: 1 },
      { sku: 'oolong', name: 'OOLONG', url: 'https://tea.example/oolong', price: 88, quantity: 2 },
      { sku: 'mystery', name: 'mystery', url: 'https://tea.example/', price: 5, quantity: 3 },
    ]);
  });

  it('shows a viewed product the shop named only by its SKU and page', () => {
    const ctx = messageContext({
      ...base,
      products: new Map([['puer', { sku: 'puer', url: 'https://tea.example/p/puer' }]]),
    });
    expect(ctx.viewed_product).toEqual({
      sku: 'puer',
      name: 'puer',
      url: 'https://tea.example/p/puer',
      views: 4,
    });
  });

  it('leaves out what the customer has not done', () => {
    const ctx = messageContext({ ...base, profile: newProfile('shop-1', 'c-2', '2025-01-01T00:00:00Z') });
    expect(ctx.customer).toEqual({});
    expect(ctx.viewed_product).toBeUndefined();
    expect(ctx.cart).toBeUndefined();
  });
});
