import type { Purpose } from '../customers/profile.js';
import type { Locale, TemplateSource } from './templates.js';

/**
 * The template each playbook ships with, in Chinese and English, email and SMS. One layout for every
 * email and a table of words per playbook: a shop edits the saved copy, not this file. Every Liquid
 * tag sits inside content MJML keeps (mj-text, mj-button), so the compiler keeps it.
 */

export const playbookIds = [
  'unpaid-order-reminder',
  'order-care-shipped',
  'order-care-arrived',
  'order-care-out-for-delivery',
  'order-care-delivered',
  'order-care-review',
  'welcome',
  'cart-abandonment',
  'browse-abandonment',
  'honeymoon-care',
  'tier-change',
  'birthday',
  'holiday-care',
  'repurchase-reminder',
  'dormant-win-back',
  'after-big-sale',
  'campaign-free-shipping',
] as const;
export type PlaybookId = (typeof playbookIds)[number];

type Block = 'viewed' | 'cart' | 'crossSell' | 'coupon' | 'benefits' | 'lastVisit';

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  /** Paragraphs; Liquid and inline HTML allowed. */
  body: string[];
  cta: string;
  sms: string;
}

interface Playbook {
  purpose: Purpose;
  /** A Liquid expression for the button's link. */
  ctaUrl: string;
  blocks: Block[];
  copy: Record<Locale, Copy>;
}

const words: Record<
  Locale,
  {
    greeting: string;
    viewed: string;
    cart: string;
    crossSell: string;
    coupon: string;
    benefits: string;
    lastVisit: string;
    footer: string;
    unsubscribe: string;
    smsOptOut: string;
  }
> = {
  en: {
    greeting: "Hi {{ customer.name | default: 'there' }},",
    viewed: 'You looked at <a href="{{ viewed_product.url }}">{{ viewed_product.name }}</a> a few times.',
    cart: 'Still in your cart:',
    crossSell: 'You may also like:',
    coupon:
      'Your code: <strong>{{ coupon.code }}</strong>{% if coupon.description %} ({{ coupon.description }}){% endif %}{% if coupon.expires_on %}, valid until {{ coupon.expires_on }}{% endif %}.',
    benefits: 'Your benefits:',
    lastVisit: 'Your last visit was {{ customer.days_since_last_visit }} days ago.',
    footer: 'You receive this email as a customer of {{ shop.name }}.',
    unsubscribe: 'Unsubscribe',
    smsOptOut: ' Reply STOP to opt out.',
  },
  'zh-CN': {
    greeting: "{{ customer.name | default: '亲爱的顾客' }}，您好：",
    viewed: '您多次浏览了<a href="{{ viewed_product.url }}">{{ viewed_product.name }}</a>。',
    cart: '购物车里还有：',
    crossSell: '您可能还喜欢：',
    coupon:
      '您的优惠码：<strong>{{ coupon.code }}</strong>{% if coupon.description %}（{{ coupon.description }}）{% endif %}{% if coupon.expires_on %}，有效期至 {{ coupon.expires_on }}{% endif %}。',
    benefits: '您的会员权益：',
    lastVisit: '距离您上次光临已经 {{ customer.days_since_last_visit }} 天了。',
    footer: '您收到这封邮件，因为您是{{ shop.name }}的顾客。',
    unsubscribe: '退订',
    smsOptOut: ' 回TD退订',
  },
};

const shopUrl = 'shop.url';

const playbooks: Record<PlaybookId, Playbook> = {
  'unpaid-order-reminder': {
    purpose: 'care',
    ctaUrl: `order.pay_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'Your order {{ order.id }} is waiting for payment',
        preheader: 'Pay now and we will ship it right away.',
        heading: 'Your order is reserved for you',
        body: [
          'Order {{ order.id }}{% if order.total %} of {{ order.total }} {{ order.currency }}{% endif %} has not been paid yet. Pay now and we will ship it right away.',
        ],
        cta: 'Pay now',
        sms: '[{{ shop.name }}] Order {{ order.id }} is waiting for payment: {{ order.pay_url }}',
      },
      'zh-CN': {
        subject: '您的订单 {{ order.id }} 还未付款',
        preheader: '完成付款后我们会尽快发货。',
        heading: '您的订单已为您保留',
        body: [
          '订单 {{ order.id }}{% if order.total %}（{{ order.total }} {{ order.currency }}）{% endif %}尚未付款，完成付款后我们会尽快发货。',
        ],
        cta: '立即付款',
        sms: '【{{ shop.name }}】您的订单{{ order.id }}尚未付款，请尽快完成支付：{{ order.pay_url }}',
      },
    },
  },
  'order-care-shipped': {
    purpose: 'care',
    ctaUrl: `order.tracking_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'Your order {{ order.id }} is on its way',
        preheader: 'Track your parcel.',
        heading: 'Your order has shipped',
        body: [
          'Order {{ order.id }} left with {{ order.carrier | default: "our carrier" }}{% if order.tracking_number %}, tracking number {{ order.tracking_number }}{% endif %}.',
        ],
        cta: 'Track your parcel',
        sms: '[{{ shop.name }}] Order {{ order.id }} shipped with {{ order.carrier }}, tracking {{ order.tracking_number }}.',
      },
      'zh-CN': {
        subject: '您的订单 {{ order.id }} 已发货',
        preheader: '点击查看物流。',
        heading: '您的订单已发货',
        body: [
          '订单 {{ order.id }} 已由{{ order.carrier | default: "快递" }}发出{% if order.tracking_number %}，运单号 {{ order.tracking_number }}{% endif %}。',
        ],
        cta: '查看物流',
        sms: '【{{ shop.name }}】您的订单{{ order.id }}已由{{ order.carrier }}发出，运单号{{ order.tracking_number }}。',
      },
    },
  },
  // Delivery progress, as the shop forwards its carrier's updates (order_delivery_updated).
  'order-care-arrived': {
    purpose: 'care',
    ctaUrl: `order.tracking_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'Your order {{ order.id }} has arrived in your city',
        preheader: 'It will be with you soon.',
        heading: 'Almost there',
        body: [
          'Order {{ order.id }} has arrived in your city{% if order.carrier %} with {{ order.carrier }}{% endif %} and will be out for delivery soon.',
        ],
        cta: 'Track your parcel',
        sms: '[{{ shop.name }}] Order {{ order.id }} has arrived in your city and will be delivered soon.',
      },
      'zh-CN': {
        subject: '您的订单 {{ order.id }} 已到达您所在城市',
        preheader: '很快就会送到您手中。',
        heading: '包裹已到达您的城市',
        body: [
          '订单 {{ order.id }} 已到达您所在的城市{% if order.carrier %}（{{ order.carrier }}）{% endif %}，即将为您派送。',
        ],
        cta: '查看物流',
        sms: '【{{ shop.name }}】您的订单{{ order.id }}已到达您所在城市，即将为您派送。',
      },
    },
  },
  'order-care-out-for-delivery': {
    purpose: 'care',
    ctaUrl: `order.tracking_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'Your order {{ order.id }} is out for delivery',
        preheader: 'It arrives today.',
        heading: 'Out for delivery',
        body: [
          'Order {{ order.id }} is on the courier’s round today{% if order.tracking_number %} (tracking number {{ order.tracking_number }}){% endif %}. Please keep your phone at hand.',
        ],
        cta: 'Track your parcel',
        sms: '[{{ shop.name }}] Order {{ order.id }} is out for delivery today. Please keep your phone at hand.',
      },
      'zh-CN': {
        subject: '您的订单 {{ order.id }} 正在派送',
        preheader: '今天就到。',
        heading: '包裹正在派送中',
        body: [
          '订单 {{ order.id }} 今天正在派送{% if order.tracking_number %}（运单号 {{ order.tracking_number }}）{% endif %}，请保持电话畅通。',
        ],
        cta: '查看物流',
        sms: '【{{ shop.name }}】您的订单{{ order.id }}正在派送，请保持电话畅通。',
      },
    },
  },
  'order-care-delivered': {
    purpose: 'care',
    ctaUrl: `order.tracking_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'Your order {{ order.id }} has been delivered',
        preheader: 'Enjoy it.',
        heading: 'Delivered',
        body: [
          'Order {{ order.id }} has been delivered. If anything is missing or not right, just reply and we will sort it out.',
        ],
        cta: 'See your order',
        sms: '[{{ shop.name }}] Order {{ order.id }} has been delivered. Anything not right? Let us know: {{ shop.url }}',
      },
      'zh-CN': {
        subject: '您的订单 {{ order.id }} 已签收',
        preheader: '祝您使用愉快。',
        heading: '包裹已签收',
        body: ['订单 {{ order.id }} 已签收。如有缺漏或任何问题，直接回复我们，我们会尽快处理。'],
        cta: '查看订单',
        sms: '【{{ shop.name }}】您的订单{{ order.id }}已签收，如有问题请联系我们：{{ shop.url }}',
      },
    },
  },
  'order-care-review': {
    purpose: 'care',
    ctaUrl: `order.review_url | default: ${shopUrl}`,
    blocks: [],
    copy: {
      en: {
        subject: 'How is your order {{ order.id }}?',
        preheader: 'A few words help other customers choose.',
        heading: 'Tell us how it went',
        body: [
          'Your order {{ order.id }} should be with you by now. How do you like it? A short review helps other customers choose, and helps us do better.',
        ],
        cta: 'Write a review',
        sms: '[{{ shop.name }}] How is order {{ order.id }}? A short review helps: {{ order.review_url | default: shop.url }}',
      },
      'zh-CN': {
        subject: '订单 {{ order.id }} 用得还满意吗？',
        preheader: '您的评价能帮助其他顾客。',
        heading: '说说您的体验',
        body: [
          '您的订单 {{ order.id }} 应该已经送达。用得怎么样？简短的评价能帮助其他顾客，也帮助我们做得更好。',
        ],
        cta: '写评价',
        sms: '【{{ shop.name }}】订单{{ order.id }}用得还满意吗？欢迎评价：{{ order.review_url | default: shop.url }}',
      },
    },
  },
  welcome: {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['coupon'],
    copy: {
      en: {
        subject: 'Welcome to {{ shop.name }}',
        preheader: 'A small gift for your first order.',
        heading: 'Welcome!',
        body: [
          'Thank you for joining {{ shop.name }}. If you need help finding anything, just reply to this email.',
        ],
        cta: 'Start shopping',
        sms: '[{{ shop.name }}] Welcome! {% if coupon %}Your code {{ coupon.code }} is ready for your first order.{% endif %}',
      },
      'zh-CN': {
        subject: '欢迎来到{{ shop.name }}',
        preheader: '首单小礼物已为您准备好。',
        heading: '欢迎您！',
        body: ['感谢您加入{{ shop.name }}。需要任何帮助，直接回复这封邮件即可。'],
        cta: '开始选购',
        sms: '【{{ shop.name }}】欢迎您！{% if coupon %}首单优惠码{{ coupon.code }}已为您准备好。{% endif %}',
      },
    },
  },
  'cart-abandonment': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['cart', 'coupon'],
    copy: {
      en: {
        subject: 'You left something in your cart',
        preheader: 'Your items are waiting.',
        heading: 'Continue your order',
        body: ['Your cart is saved. Pick up where you left off.'],
        cta: 'Continue your order',
        sms: '[{{ shop.name }}] Your cart is waiting for you: {{ shop.url }}',
      },
      'zh-CN': {
        subject: '您的购物车还有商品未结算',
        preheader: '您挑选的商品还在等您。',
        heading: '继续完成您的订单',
        body: ['您的购物车已为您保存，随时回来继续。'],
        cta: '继续下单',
        sms: '【{{ shop.name }}】您购物车里的商品还在等您：{{ shop.url }}',
      },
    },
  },
  'browse-abandonment': {
    purpose: 'marketing',
    ctaUrl: `viewed_product.url | default: ${shopUrl}`,
    blocks: ['viewed', 'coupon'],
    copy: {
      en: {
        subject: "Still thinking about {{ viewed_product.name | default: 'it' }}?",
        preheader: 'See what other buyers say.',
        heading: 'Take another look',
        body: ['Other buyers have reviewed it: read what they say before you decide.'],
        cta: 'See the reviews',
        sms: '[{{ shop.name }}] Still thinking about {{ viewed_product.name }}? Reviews: {{ viewed_product.url }}',
      },
      'zh-CN': {
        subject: "还在考虑{{ viewed_product.name | default: '这件商品' }}吗？",
        preheader: '看看买过的人怎么说。',
        heading: '再看一眼',
        body: ['已有买家分享了使用评价，看看再决定。'],
        cta: '查看评价',
        sms: '【{{ shop.name }}】还在考虑{{ viewed_product.name }}吗？看看买家评价：{{ viewed_product.url }}',
      },
    },
  },
  'honeymoon-care': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['crossSell', 'coupon'],
    copy: {
      en: {
        subject: 'Thank you for your first order',
        preheader: 'A few tips, and a little something for next time.',
        heading: 'Thank you!',
        body: [
          'We hope you enjoy your purchase. Questions about using it? Reply to this email and we will help.',
        ],
        cta: 'Visit the shop',
        sms: '[{{ shop.name }}] Thank you for your first order!{% if coupon %} {{ coupon.code }} gives you a little off the next one.{% endif %}',
      },
      'zh-CN': {
        subject: '感谢您的首次购买',
        preheader: '一些使用小贴士，和下次的小礼物。',
        heading: '感谢您！',
        body: ['希望您喜欢这次购买。使用中有任何问题，回复这封邮件，我们来帮您。'],
        cta: '逛逛店铺',
        sms: '【{{ shop.name }}】感谢您的首次购买！{% if coupon %}下次购物可用优惠码{{ coupon.code }}。{% endif %}',
      },
    },
  },
  'tier-change': {
    purpose: 'care',
    ctaUrl: shopUrl,
    blocks: ['benefits'],
    copy: {
      en: {
        subject: 'You are now {{ tier_change.to }}',
        preheader: 'Your new member benefits.',
        heading: 'Your membership changed',
        body: [
          'Your tier is now <strong>{{ tier_change.to }}</strong>{% if tier_change.from %} (was {{ tier_change.from }}){% endif %}.',
        ],
        cta: 'See your benefits',
        sms: '[{{ shop.name }}] Your membership tier is now {{ tier_change.to }}.',
      },
      'zh-CN': {
        subject: '您的会员等级已变更为{{ tier_change.to }}',
        preheader: '看看您的新权益。',
        heading: '会员等级变更',
        body: [
          '您的会员等级现在是<strong>{{ tier_change.to }}</strong>{% if tier_change.from %}（原为{{ tier_change.from }}）{% endif %}。',
        ],
        cta: '查看权益',
        sms: '【{{ shop.name }}】您的会员等级已变更为{{ tier_change.to }}。',
      },
    },
  },
  birthday: {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['coupon'],
    copy: {
      en: {
        subject: 'Happy birthday{% if customer.name %}, {{ customer.name }}{% endif %}!',
        preheader: 'A birthday gift from us.',
        heading: 'Happy birthday!',
        body: ['Everyone at {{ shop.name }} wishes you a wonderful day. Here is a small gift.'],
        cta: 'Treat yourself',
        sms: '[{{ shop.name }}] Happy birthday!{% if coupon %} Your gift code: {{ coupon.code }}.{% endif %}',
      },
      'zh-CN': {
        subject: '{{ customer.name }}，生日快乐！',
        preheader: '一份生日礼物送给您。',
        heading: '生日快乐！',
        body: ['{{ shop.name }}全体祝您生日快乐，送上一份小礼物。'],
        cta: '犒劳自己',
        sms: '【{{ shop.name }}】生日快乐！{% if coupon %}生日礼券：{{ coupon.code }}。{% endif %}',
      },
    },
  },
  'holiday-care': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['crossSell', 'coupon'],
    copy: {
      en: {
        subject: "Happy {{ occasion.name | default: 'holidays' }} from {{ shop.name }}",
        preheader: 'Our best wishes, and a little gift.',
        heading: "Happy {{ occasion.name | default: 'holidays' }}!",
        body: ['Thank you for being with us. Enjoy the day.'],
        cta: 'Visit the shop',
        sms: "[{{ shop.name }}] Happy {{ occasion.name | default: 'holidays' }}!{% if coupon %} A gift for you: {{ coupon.code }}.{% endif %}",
      },
      'zh-CN': {
        subject: "{{ shop.name }}祝您{{ occasion.name | default: '节日' }}快乐",
        preheader: '送上祝福和一份小礼物。',
        heading: "{{ occasion.name | default: '节日' }}快乐！",
        body: ['感谢您一直以来的支持，祝您节日愉快。'],
        cta: '逛逛店铺',
        sms: "【{{ shop.name }}】祝您{{ occasion.name | default: '节日' }}快乐！{% if coupon %}送您优惠码{{ coupon.code }}。{% endif %}",
      },
    },
  },
  'repurchase-reminder': {
    purpose: 'marketing',
    ctaUrl: `viewed_product.url | default: ${shopUrl}`,
    blocks: ['crossSell', 'coupon'],
    copy: {
      en: {
        subject: 'Time to stock up?',
        preheader: 'Running low? Reorder in a minute.',
        heading: 'Running low?',
        body: ['It is about time for your next order. Reorder before you run out.'],
        cta: 'Reorder',
        sms: '[{{ shop.name }}] Time to stock up? Reorder: {{ shop.url }}',
      },
      'zh-CN': {
        subject: '该补货了吗？',
        preheader: '快用完了？一分钟再下单。',
        heading: '快用完了吗？',
        body: ['按您的购买习惯，差不多该补货了，别等用完再买。'],
        cta: '再来一单',
        sms: '【{{ shop.name }}】该补货了吗？再来一单：{{ shop.url }}',
      },
    },
  },
  'dormant-win-back': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['lastVisit', 'crossSell', 'coupon'],
    copy: {
      en: {
        subject: 'We miss you at {{ shop.name }}',
        preheader: 'Come back for something new, and a gift.',
        heading: 'It has been a while',
        body: ['A lot is new at {{ shop.name }}. Come and have a look.'],
        cta: 'See what is new',
        sms: '[{{ shop.name }}] We miss you!{% if coupon %} Come back with {{ coupon.code }}.{% endif %}',
      },
      'zh-CN': {
        subject: '{{ shop.name }}想您了',
        preheader: '上了很多新品，还有礼物等您。',
        heading: '好久不见',
        body: ['{{ shop.name }}上了很多新品，回来看看吧。'],
        cta: '看看新品',
        sms: '【{{ shop.name }}】好久不见，想您了！{% if coupon %}回来用优惠码{{ coupon.code }}。{% endif %}',
      },
    },
  },
  'after-big-sale': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['crossSell', 'coupon'],
    copy: {
      en: {
        subject: "Thank you for shopping in {{ occasion.name | default: 'our sale' }}",
        preheader: 'A thank-you gift for your next order.',
        heading: 'Thank you!',
        body: [
          'We are glad you found us in {{ occasion.name | default: "our sale" }}. Here is a thank-you for your next visit.',
        ],
        cta: 'Visit again',
        sms: '[{{ shop.name }}] Thanks for shopping with us!{% if coupon %} Your next-order code: {{ coupon.code }}.{% endif %}',
      },
      'zh-CN': {
        subject: "感谢您在{{ occasion.name | default: '大促' }}中的选购",
        preheader: '下次购物的感谢礼。',
        heading: '感谢您！',
        body: ['很高兴在{{ occasion.name | default: "大促" }}中认识您，送上一份下次购物的感谢礼。'],
        cta: '再来逛逛',
        sms: '【{{ shop.name }}】感谢您的选购！{% if coupon %}下次购物优惠码：{{ coupon.code }}。{% endif %}',
      },
    },
  },
  'campaign-free-shipping': {
    purpose: 'marketing',
    ctaUrl: shopUrl,
    blocks: ['crossSell'],
    copy: {
      en: {
        subject: 'Free shipping on orders over {{ offer.threshold }}',
        preheader: '{{ offer.description | default: "For a limited time." }}',
        heading: 'Free shipping over {{ offer.threshold }}',
        body: [
          'Spend {{ offer.threshold }} or more and shipping is on us{% if offer.ends_on %}, until {{ offer.ends_on }}{% endif %}.',
        ],
        cta: 'Shop now',
        sms: '[{{ shop.name }}] Free shipping on orders over {{ offer.threshold }}: {{ shop.url }}',
      },
      'zh-CN': {
        subject: '满{{ offer.threshold }}包邮',
        preheader: '{{ offer.description | default: "限时活动。" }}',
        heading: '满{{ offer.threshold }}包邮',
        body: [
          '订单满{{ offer.threshold }}即可包邮{% if offer.ends_on %}，活动截至 {{ offer.ends_on }}{% endif %}。',
        ],
        cta: '立即选购',
        sms: '【{{ shop.name }}】满{{ offer.threshold }}包邮，快来选购：{{ shop.url }}',
      },
    },
  },
};

function productList(loop: string, label: string, quantity: boolean): string {
  return `{% if ${loop}.size > 0 %}<p>${label}</p><ul>{% for item in ${loop} %}<li><a href="{{ item.url }}">{{ item.name }}</a>${
    quantity ? ' × {{ item.quantity }}' : ''
  }{% if item.price %} {{ item.price }}{% endif %}</li>{% endfor %}</ul>{% endif %}`;
}

function block(name: Block, locale: Locale): string {
  const w = words[locale];
  switch (name) {
    case 'viewed':
      // The picture only when the shop sent one on the page view; the text part leaves it out.
      return `{% if viewed_product %}{% if viewed_product.image_url %}<p><a href="{{ viewed_product.url }}"><img src="{{ viewed_product.image_url }}" alt="{{ viewed_product.name }}" width="240" style="max-width:100%;height:auto;border:0"></a></p>{% endif %}<p>${w.viewed}</p>{% endif %}`;
    case 'cart':
      return productList('cart.items', w.cart, true);
    case 'crossSell':
      return productList('cross_sell', w.crossSell, false);
    case 'coupon':
      return `{% if coupon %}<p>${w.coupon}</p>{% endif %}`;
    case 'benefits':
      return `{% if tier_change.benefits.size > 0 %}<p>${w.benefits}</p><ul>{% for b in tier_change.benefits %}<li>{{ b }}</li>{% endfor %}</ul>{% endif %}`;
    case 'lastVisit':
      return `{% if customer.days_since_last_visit %}<p>${w.lastVisit}</p>{% endif %}`;
  }
}

function emailMjml(playbook: Playbook, locale: Locale): string {
  const copy = playbook.copy[locale];
  const w = words[locale];
  const paragraphs = [w.greeting, ...copy.body].map((p) => `<p>${p}</p>`).join('\n          ');
  const blocks = playbook.blocks.map((b) => block(b, locale)).join('\n          ');
  return `<mjml lang="${locale}">
  <mj-head>
    <mj-title>${copy.subject}</mj-title>
    <mj-preview>${copy.preheader}</mj-preview>
    <mj-attributes>
      <mj-all font-family="-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Helvetica Neue', Arial, sans-serif" />
      <mj-text font-size="15px" line-height="1.6" color="#222222" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff" padding="24px 16px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold">${copy.heading}</mj-text>
        <mj-text>
          ${paragraphs}
          ${blocks}
        </mj-text>
        <mj-button href="{{ ${playbook.ctaUrl} }}" background-color="#d2232a" border-radius="4px">${copy.cta}</mj-button>
      </mj-column>
    </mj-section>
    <mj-section padding="12px 16px">
      <mj-column>
        <mj-text font-size="12px" color="#888888">${w.footer} <a href="{{ unsubscribe_url }}">${w.unsubscribe}</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
}

/** The playbook's default template for a channel and locale, as a source a shop can save and edit. */
export function defaultTemplate(id: PlaybookId, locale: Locale, channel: 'email' | 'sms'): TemplateSource {
  const playbook = playbooks[id];
  const copy = playbook.copy[locale];
  if (channel === 'sms') {
    // Marketing SMS carries the opt-out wording carriers require; care messages need none.
    const text = playbook.purpose === 'marketing' ? `${copy.sms}${words[locale].smsOptOut}` : copy.sms;
    return { channel, locale, text };
  }
  return { channel, locale, subject: copy.subject, mjml: emailMjml(playbook, locale) };
}

/** Whether the playbook's messages are marketing (caps, consent for marketing) or care. */
export function playbookPurpose(id: PlaybookId): Purpose {
  return playbooks[id].purpose;
}

/**
 * The journeys' step templates and the playbook default each renders when the shop has not saved
 * its own under the step's name: the playbook's wording, with the step's data (order, coupon, cart).
 */
export const stepTemplateDefaults: Readonly<Record<string, PlaybookId>> = {
  'unpaid-reminder': 'unpaid-order-reminder',
  'unpaid-last-call': 'unpaid-order-reminder',
  'order-shipped': 'order-care-shipped',
  'order-arrived': 'order-care-arrived',
  'order-out-for-delivery': 'order-care-out-for-delivery',
  'order-delivered': 'order-care-delivered',
  'review-request': 'order-care-review',
  'welcome-account': 'welcome',
  'welcome-need-help': 'welcome',
  'welcome-feedback': 'welcome',
  'cart-reminder': 'cart-abandonment',
  'cart-continue': 'cart-abandonment',
  'cart-discount': 'cart-abandonment',
  'browse-reviews': 'browse-abandonment',
  'browse-interested': 'browse-abandonment',
  'browse-coupon': 'browse-abandonment',
  'honeymoon-thanks': 'honeymoon-care',
  'honeymoon-care-content': 'honeymoon-care',
  'honeymoon-coupon': 'honeymoon-care',
  'tier-changed': 'tier-change',
  'winback-miss-you': 'dormant-win-back',
  'winback-offer': 'dormant-win-back',
  'winback-last': 'dormant-win-back',
  'sale-thanks': 'after-big-sale',
  'sale-come-back': 'after-big-sale',
};
