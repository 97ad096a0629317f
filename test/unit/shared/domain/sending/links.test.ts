import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClickLink,
  clickUrl,
  isAllowedDestination,
  type LinkSecrets,
  listUnsubscribeHeaders,
  type UnsubscribeLink,
  unsubscribeUrl,
  verifyClickUrl,
  verifyUnsubscribeUrl,
} from '../../../../../shared/domain/sending/links.js';

const secrets: LinkSecrets = ['s3cret-current'];
const hosts = ['shop.example', '*.shop.example'];
const now = new Date('2025-03-01T00:00:00Z');
const base = 'https://t.huitou.example/r';
const click: ClickLink = {
  shopId: 'shop-1',
  sendId: 'a1b2',
  destination: 'https://shop.example/p/42?utm_source=huitou&x=1#reviews',
  expiresAt: '2025-06-01T00:00:00.000Z',
};
const unsubscribe: UnsubscribeLink = {
  shopId: 'shop-1',
  customerId: 'c-7',
  sendId: 'a1b2',
  channel: 'email',
  purpose: 'marketing',
  expiresAt: '2026-03-01T00:00:00.000Z',
};

/** The same URL with one query parameter set to another value. */
function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

describe('click links', () => {
  it('verify to the send and the destination they were made for', () => {
    const url = clickUrl(base, click, secrets, hosts);
    expect(url.startsWith(`${base}?`)).toBe(true);
    expect(verifyClickUrl(url, secrets, hosts, now)).toEqual({ ok: true, ...click });
  });

  it('reject a changed destination, send or expiry as a bad signature', () => {
    const url = clickUrl(base, click, secrets, hosts);
    for (const [key, value] of [
      ['u', 'https://shop.example/p/43'],
      ['i', 'other-send'],
      ['s', 'shop-2'],
      ['e', '2030-01-01T00:00:00.000Z'],
    ] as const) {
      expect(verifyClickUrl(withParam(url, key, value), secrets, hosts, now)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('reject any single-character change of the signature, even one in base64’s spare bits', () => {
    const url = clickUrl(base, click, secrets, hosts);
    const sig = new URL(url).searchParams.get('sig') as string;
    fc.assert(
      fc.property(fc.nat({ max: sig.length - 1 }), fc.constantFrom(...'ABQgw_-09az'), (i, c) => {
        fc.pre(sig[i] !== c);
        const tampered = `${sig.slice(0, i)}${c}${sig.slice(i + 1)}`;
        expect(verifyClickUrl(withParam(url, 'sig', tampered), secrets, hosts, now).ok).toBe(false);
      }),
    );
    // The last of 43 characters carries 4 bits of the MAC and 2 spare ones: another spelling, same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = `${sig.slice(0, -1)}${alphabet[alphabet.indexOf(sig.at(-1) as string) ^ 1]}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(verifyClickUrl(withParam(url, 'sig', respelled), secrets, hosts, now).ok).toBe(false);
  });

  it('reject a link signed with another secret, and accept one signed with a previous secret', () => {
    const url = clickUrl(base, click, ['someone-else'], hosts);
    expect(verifyClickUrl(url, secrets, hosts, now)).toEqual({ ok: false, reason: 'bad-signature' });
    const old = clickUrl(base, click, ['old-secret'], hosts);
    expect(verifyClickUrl(old, ['new-secret', 'old-secret'], hosts, now).ok).toBe(true);
  });

  it('expire at their expiry time', () => {
    const url = clickUrl(base, click, secrets, hosts);
    expect(verifyClickUrl(url, secrets, hosts, new Date(click.expiresAt)).ok).toBe(true);
    expect(verifyClickUrl(url, secrets, hosts, new Date(Date.parse(click.expiresAt) + 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('are never made for, nor redirect to, a host that is not the shop’s', () => {
    for (const destination of [
      'https://evil.example/',
      'https://shop.example.evil.example/',
      'https://evilshop.example/',
      'https://shop.example@evil.example/',
      'https://user:pw@shop.example/',
      'javascript:alert(1)',
      '//evil.example/',
      'not a url',
    ]) {
      expect(() => clickUrl(base, { ...click, destination }, secrets, hosts)).toThrow(/not allowed/);
    }
    // Signed while the host was allowed, followed after the shop removed it.
    const url = clickUrl(base, { ...click, destination: 'https://old.shop.example/x' }, secrets, hosts);
    expect(verifyClickUrl(url, secrets, ['shop.example'], now)).toEqual({
      ok: false,
      reason: 'host-not-allowed',
    });
  });

  it('allow subdomains only through a wildcard entry', () => {
    expect(isAllowedDestination('https://m.shop.example/a', ['shop.example'])).toBe(false);
    expect(isAllowedDestination('https://m.shop.example/a', ['*.shop.example'])).toBe(true);
    expect(isAllowedDestination('https://SHOP.example/a', ['shop.example'])).toBe(true);
    expect(isAllowedDestination('ftp://shop.example/a', ['shop.example'])).toBe(false);
  });

  it('report a link missing its parts as malformed', () => {
    const url = clickUrl(base, click, secrets, hosts);
    const u = new URL(url);
    u.searchParams.delete('u');
    expect(verifyClickUrl(u.toString(), secrets, hosts, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyClickUrl('::', secrets, hosts, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyClickUrl(withParam(url, 'e', 'soon'), secrets, hosts, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('unsubscribe links', () => {
  it('verify to the customer, channel and purpose', () => {
    const url = unsubscribeUrl('https://u.huitou.example/unsubscribe', unsubscribe, secrets);
    expect(verifyUnsubscribeUrl(url, secrets, now)).toEqual({ ok: true, ...unsubscribe });
  });

  it('reject another customer or purpose, and expire', () => {
    const url = unsubscribeUrl('https://u.huitou.example/unsubscribe', unsubscribe, secrets);
    expect(verifyUnsubscribeUrl(withParam(url, 'c', 'c-8'), secrets, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyUnsubscribeUrl(withParam(url, 'p', 'care'), secrets, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyUnsubscribeUrl(withParam(url, 'p', 'everything'), secrets, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyUnsubscribeUrl(url, secrets, new Date('2026-03-02T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('cannot be passed off as a click link, nor a click link as one', () => {
    const u = unsubscribeUrl(base, unsubscribe, secrets);
    const c = clickUrl(base, click, secrets, hosts);
    expect(verifyClickUrl(withParam(u, 'u', click.destination), secrets, hosts, now).ok).toBe(false);
    expect(verifyUnsubscribeUrl(c, secrets, now).ok).toBe(false);
  });

  it('go into the RFC 8058 headers', () => {
    const url = unsubscribeUrl('https://u.huitou.example/unsubscribe', unsubscribe, secrets);
    expect(listUnsubscribeHeaders(url, 'unsubscribe@shop.example')).toEqual({
      'List-Unsubscribe': `<${url}>, <mailto:unsubscribe@shop.example>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(listUnsubscribeHeaders(url)['List-Unsubscribe']).toBe(`<${url}>`);
    expect(() => listUnsubscribeHeaders('http://u.huitou.example/unsubscribe')).toThrow(/HTTPS/);
  });
});
