/**
 * The demo shop's history: a seeded, deterministic tea shop with two years of customers. The same
 * seed and end date give the same rows, byte for byte, on every machine. Rows are in the import's
 * shape (customers, then events in the API's own shape), so they load through the same import.
 *
 * What makes it look like a shop: customers arrive faster as the shop grows and in bursts on sale
 * days; most buy once, some come back on a personal cycle, a few buy a lot; some of the regulars
 * stop coming (dormant high-value customers); price-sensitive ones buy with coupons on sale days;
 * orders are browsed before, sometimes left unpaid, shipped, now and then refunded and reviewed;
 * carts are left behind; tea sells in spring (new harvest) and before the holidays.
 */

import { seededRandom } from './seeded-random.js';

export interface DemoShopOptions {
  seed: number;
  customers: number;
  /** The last moment of history (the local clock's now). */
  end: Date;
  days?: number;
}

export interface DemoCustomerRow {
  customerId: string;
  name: string;
  phone?: string;
  email?: string;
  birthday?: string;
  region: string;
  tags: string[];
  consent: { email: { marketing: boolean; care: boolean }; sms: { marketing: boolean; care: boolean } };
}

export interface DemoEventRow {
  id: string;
  type: string;
  occurredAt: string;
  customerId: string;
  properties: Record<string, unknown>;
}

export interface DemoShop {
  customers: DemoCustomerRow[];
  /** In time order. */
  events: DemoEventRow[];
}

const catalog = [
  { sku: 'GT-LONGJING-100', name: 'West Lake Longjing 100 g', category: 'green tea', price: 168 },
  { sku: 'GT-BILUOCHUN-100', name: 'Biluochun 100 g', category: 'green tea', price: 128 },
  { sku: 'GT-MAOFENG-150', name: 'Huangshan Maofeng 150 g', category: 'green tea', price: 98 },
  { sku: 'GT-ANJI-50', name: 'Anji White Tea 50 g', category: 'green tea', price: 138 },
  { sku: 'OL-TIEGUANYIN-250', name: 'Tieguanyin 250 g', category: 'oolong', price: 118 },
  { sku: 'OL-DAHONGPAO-125', name: 'Da Hong Pao 125 g', category: 'oolong', price: 228 },
  { sku: 'OL-DANCONG-100', name: 'Phoenix Dancong 100 g', category: 'oolong', price: 158 },
  { sku: 'OL-ALISHAN-150', name: 'Alishan High Mountain 150 g', category: 'oolong', price: 196 },
  { sku: 'BT-KEEMUN-200', name: 'Keemun Black 200 g', category: 'black tea', price: 88 },
  { sku: 'BT-DIANHONG-250', name: 'Dian Hong Golden Buds 250 g', category: 'black tea', price: 76 },
  { sku: 'BT-LAPSANG-100', name: 'Lapsang Souchong 100 g', category: 'black tea', price: 108 },
  { sku: 'PE-SHOU-357', name: 'Ripe Pu-erh Cake 357 g', category: 'pu-erh', price: 258 },
  { sku: 'PE-SHENG-357', name: 'Raw Pu-erh Cake 357 g', category: 'pu-erh', price: 388 },
  { sku: 'PE-MINI-TUO', name: 'Mini Tuocha 30 pcs', category: 'pu-erh', price: 59 },
  { sku: 'WT-SHOUMEI-300', name: 'Shoumei White Cake 300 g', category: 'white tea', price: 138 },
  { sku: 'WT-SILVERNEEDLE-100', name: 'Silver Needle 100 g', category: 'white tea', price: 268 },
  { sku: 'HB-CHRYS-50', name: 'Chrysanthemum Buds 50 g', category: 'herbal', price: 32 },
  { sku: 'HB-JASMINE-100', name: 'Jasmine Pearls 100 g', category: 'herbal', price: 68 },
  { sku: 'TW-GAIWAN', name: 'Porcelain Gaiwan', category: 'teaware', price: 89 },
  { sku: 'TW-YIXING-POT', name: 'Yixing Clay Teapot', category: 'teaware', price: 468 },
  { sku: 'TW-CUPS-6', name: 'Celadon Cups, set of 6', category: 'teaware', price: 128 },
  { sku: 'TW-TRAY', name: 'Bamboo Tea Tray', category: 'teaware', price: 199 },
  { sku: 'GF-MIDAUTUMN', name: 'Mid-Autumn Gift Box', category: 'gifts', price: 298 },
  { sku: 'GF-NEWYEAR', name: 'New Year Gift Box', category: 'gifts', price: 368 },
  { sku: 'GF-SAMPLER', name: 'Tasting Sampler, 8 teas', category: 'gifts', price: 49 },
] as const;

type Product = (typeof catalog)[number];
const categories = [...new Set(catalog.map((p) => p.category))];

const surnames = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
  'He',
  'Lin',
  'Luo',
  'Gao',
];
const givenNames = [
  'Wei',
  'Fang',
  'Na',
  'Min',
  'Jing',
  'Li',
  'Qiang',
  'Lei',
  'Jun',
  'Yang',
  'Yong',
  'Yan',
  'Jie',
  'Tao',
  'Ming',
  'Chao',
  'Xiu',
  'Xia',
  'Hui',
  'Ping',
  'Gang',
  'Hong',
  'Lan',
  'Yu',
  'Hao',
  'Xin',
  'Ting',
  'Rui',
];
const regions = [
  'Guangdong',
  'Zhejiang',
  'Jiangsu',
  'Shanghai',
  'Beijing',
  'Fujian',
  'Sichuan',
  'Shandong',
  'Hubei',
  'Hunan',
  'Henan',
  'Yunnan',
  'Shaanxi',
  'Chongqing',
  'Tianjin',
  'Anhui',
];
const mobilePrefixes = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '186',
  '187',
  '188',
  '189',
];
const carriers = ['SF Express', 'ZTO Express', 'YTO Express', 'JD Logistics', 'China Post EMS'];

/** Days (month-day) on which the shop runs a sale: 6.18, Qixi week, 11.11, 12.12, new spring harvest. */
const saleDays = new Set(['06-18', '11-11', '12-12', '04-01', '04-02', '04-03', '08-29']);
/** Lunar New Year falls on a different day each year; the weeks before it sell gifts. */
const lunarNewYears = ['2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13'];

/** Demand by month: tea sells in spring (new harvest) and autumn-winter (gifts, holidays), less in summer. */
const monthDemand = [1.3, 1.2, 1.1, 1.4, 1.1, 0.9, 0.7, 0.75, 1.0, 1.15, 1.3, 1.25];

const dayMs = 86_400_000;
/** The shop is in China; people shop in the evening, Beijing time (UTC+8). */
const beijingOffsetMs = 8 * 3_600_000;

type Persona = 'browser' | 'one-timer' | 'occasional' | 'regular' | 'devotee';
const personas: Array<[Persona, number]> = [
  ['browser', 0.12],
  ['one-timer', 0.45],
  ['occasional', 0.25],
  ['regular', 0.13],
  ['devotee', 0.05],
];
/** Days between orders, roughly, when the customer keeps coming. */
const cycleDays: Record<Persona, [number, number]> = {
  browser: [0, 0],
  'one-timer': [0, 0],
  occasional: [80, 160],
  regular: [30, 60],
  devotee: [18, 35],
};

function dayKey(ms: number): string {
  return new Date(ms + beijingOffsetMs).toISOString().slice(5, 10);
}

function isBigDay(ms: number): boolean {
  if (saleDays.has(dayKey(ms))) return true;
  const day = new Date(ms + beijingOffsetMs).toISOString().slice(0, 10);
  return lunarNewYears.some((d) => {
    const gap = (Date.parse(d) - Date.parse(day)) / dayMs;
    return gap >= 7 && gap <= 14;
  });
}

const bigDayBoost = 3;
const maxDemand = Math.max(...monthDemand) * bigDayBoost;

/** How many customers a day brings, relative to an ordinary day. */
function demand(ms: number): number {
  return (monthDemand[new Date(ms + beijingOffsetMs).getUTCMonth()] ?? 1) * (isBigDay(ms) ? bigDayBoost : 1);
}

/** The demo shop for `options`: the same options always give the same rows. */
export function demoShop(options: DemoShopOptions): DemoShop {
  const rnd = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const chance = (p: number) => rnd() < p;
  const end = options.end.getTime();
  const start = end - (options.days ?? 730) * dayMs;
  /** An evening moment (mostly 19:00–23:00 Beijing) of the day containing `ms`. */
  const eveningOf = (ms: number) => {
    const midnight = Math.floor((ms + beijingOffsetMs) / dayMs) * dayMs - beijingOffsetMs;
    const hour = chance(0.7) ? between(19, 23.5) : between(8, 19);
    return midnight + Math.floor(hour * 3_600_000);
  };

  const customers: DemoCustomerRow[] = [];
  const events: Array<DemoEventRow & { at: number }> = [];
  let eventNo = 0;
  const emit = (customerId: string, type: string, at: number, properties: Record<string, unknown>) => {
    if (at > end) return;
    eventNo += 1;
    events.push({
      id: `demo-${String(eventNo).padStart(7, '0')}`,
      type,
      occurredAt: new Date(at).toISOString(),
      customerId,
      properties,
      at,
    });
  };
  let orderNo = 0;

  for (let n = 1; n <= options.customers; n++) {
    const customerId = `demo-c${String(n).padStart(5, '0')}`;
    // The shop grows (density rising linearly over time), with the season and in bursts on sale days.
    let joined = start + Math.sqrt(rnd()) * (end - start);
    for (let tries = 0; tries < 20 && rnd() * maxDemand > demand(joined); tries++)
      joined = start + Math.sqrt(rnd()) * (end - start);
    joined = eveningOf(Math.min(joined, end - dayMs));
    const rollPersona = rnd();
    let acc = 0;
    const persona = personas.find(([, share]) => {
      acc += share;
      return rollPersona < acc;
    })?.[0] as Persona;
    const surname = pick(surnames);
    const given = pick(givenNames);
    const hasPhone = chance(0.85);
    const hasEmail = !hasPhone || chance(0.6);
    const priceSensitivity = persona === 'devotee' ? between(0, 0.3) : between(0, 1);
    const favourite = pick(categories);
    customers.push({
      customerId,
      name: `${surname} ${given}`,
      ...(hasPhone
        ? { phone: `+86${pick(mobilePrefixes)}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}` }
        : {}),
      ...(hasEmail ? { email: `${given}.${surname}.${n}@example.com`.toLowerCase() } : {}),
      ...(chance(0.65)
        ? {
            birthday: `${1962 + Math.floor(rnd() * 42)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
          }
        : {}),
      region: pick(regions),
      tags: [
        ...(priceSensitivity > 0.7 ? ['deal-seeker'] : []),
        ...(persona === 'devotee' ? ['tea-club'] : []),
        ...(chance(0.05) ? ['wholesale'] : []),
      ],
      consent: {
        email: { marketing: chance(0.6), care: true },
        sms: { marketing: chance(0.45), care: chance(0.9) },
      },
    });
    emit(customerId, 'signed_up', joined, { channel: pick(['web', 'mini-program', 'app']) });

    const browse = (at: number, product: Product) =>
      emit(customerId, 'page_viewed', at, {
        url: `https://demo-tea.example.com/p/${product.sku.toLowerCase()}`,
        sku: product.sku,
        category: product.category,
      });
    const basketOf = (): Array<{ product: Product; quantity: number }> => {
      const lines = 1 + Math.floor(rnd() * rnd() * (persona === 'devotee' ? 5 : 3));
      const chosen = new Map<string, { product: Product; quantity: number }>();
      for (let i = 0; i < lines; i++) {
        const product = chance(0.6)
          ? pick(catalog.filter((p) => p.category === favourite))
          : (pick(catalog) as Product);
        chosen.set(product.sku, { product, quantity: 1 + (chance(0.2) ? Math.floor(rnd() * 3) : 0) });
      }
      return [...chosen.values()];
    };

    // Window-shopping that did not end in an order, and carts left behind.
    const visits = Math.floor(rnd() * (persona === 'browser' ? 6 : 3));
    for (let v = 0; v < visits; v++) {
      const at = eveningOf(joined + rnd() * (end - joined));
      const basket = basketOf();
      for (const [i, line] of basket.entries()) browse(at + i * 60_000, line.product);
      if (chance(0.35)) {
        emit(customerId, 'cart_updated', at + 5 * 60_000, {
          cartId: `cart-${customerId}-${v}`,
          items: basket.map(({ product, quantity }) => ({
            sku: product.sku,
            name: product.name,
            category: product.category,
            price: product.price,
            quantity,
          })),
        });
        if (chance(0.3))
          emit(customerId, 'checkout_started', at + 8 * 60_000, { cartId: `cart-${customerId}-${v}` });
      }
    }

    if (persona === 'browser') continue;
    // Some of those who came back for a while stop coming: they are the dormant win-back audience.
    const stopsAt = persona !== 'one-timer' && chance(0.35) ? joined + rnd() * (end - joined) : end;
    const [lo, hi] = cycleDays[persona];
    const cycle = between(lo, hi);
    let at = joined + between(0, 3) * dayMs;
    let first = true;
    while (at < stopsAt) {
      at = eveningOf(at);
      orderNo += 1;
      const orderId = `DT${String(orderNo).padStart(7, '0')}`;
      const basket = basketOf();
      for (const [i, line] of basket.entries()) browse(at - (basket.length - i) * 90_000, line.product);
      const items = basket.map(({ product, quantity }) => ({
        sku: product.sku,
        name: product.name,
        category: product.category,
        price: product.price,
        quantity,
      }));
      emit(customerId, 'cart_updated', at - 60_000, { cartId: `cart-${orderId}`, items });
      const gross = items.reduce((sum, i) => sum + i.price * i.quantity, 0);
      const bigDay = isBigDay(at);
      const coupon =
        chance(priceSensitivity * (bigDay ? 0.9 : 0.25)) && gross >= 99
          ? bigDay
            ? { couponCode: 'BIGSALE30', discount: 30 }
            : first
              ? { couponCode: 'WELCOME15', discount: 15 }
              : { couponCode: 'TEA10', discount: 10 }
          : null;
      const total = Math.round((gross - (coupon?.discount ?? 0)) * 100) / 100;
      emit(customerId, 'order_placed', at, {
        orderId,
        total,
        currency: 'CNY',
        items,
        ...(coupon ?? {}),
      });
      // A few orders are never paid; the recent ones are the unpaid-order reminder's audience.
      if (chance(0.95)) {
        const paidAt = at + between(1, 40) * 60_000;
        emit(customerId, 'order_paid', paidAt, {
          orderId,
          amount: total,
          method: pick(['alipay', 'wechat-pay', 'unionpay']),
        });
        const shippedAt = paidAt + between(0.3, 2.5) * dayMs;
        emit(customerId, 'order_shipped', shippedAt, {
          orderId,
          carrier: pick(carriers),
          trackingNumber: `${Math.floor(1e11 + rnd() * 9e11)}`,
        });
        if (chance(0.035)) {
          const partial = items.length > 1 && chance(0.5);
          emit(customerId, 'order_refunded', shippedAt + between(3, 12) * dayMs, {
            orderId,
            refundId: `RF-${orderId}`,
            amount: partial ? Math.min(total, items[0]?.price ?? total) : total,
            reason: pick(['damaged in transit', 'wrong item', 'changed my mind', 'taste not as expected']),
          });
        } else if (chance(0.12)) {
          emit(customerId, 'review_posted', shippedAt + between(2, 15) * dayMs, {
            orderId,
            sku: items[0]?.sku,
            rating: pick([5, 5, 5, 4, 4, 3, 2]),
          });
        }
      }
      first = false;
      if (persona === 'one-timer') break;
      // The next order follows the customer's cycle, sooner in high season, and is pulled to a
      // sale day close before it by those who wait for deals.
      let next =
        at +
        (cycle * between(0.6, 1.5) * dayMs) /
          (monthDemand[new Date(at + beijingOffsetMs).getUTCMonth()] ?? 1);
      if (priceSensitivity > 0.5)
        for (let d = 1; d <= 14; d++)
          if (isBigDay(next - d * dayMs) && next - d * dayMs > at + dayMs) next -= d * dayMs;
      at = next;
    }
    if (chance(0.02))
      emit(customerId, 'unsubscribed', eveningOf(joined + rnd() * (end - joined)), {
        channel: 'email',
        purpose: 'marketing',
      });
  }

  events.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { customers, events: events.map(({ at: _at, ...event }) => event) };
}
