import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../../shared/domain/errors.js';
import { fromHeader } from '../../../../../shared/domain/sending/sending-settings.js';
import {
  getSendingSettings,
  putSendingSettings,
} from '../../../../../shared/use-cases/sending/sending-settings.js';
import { FakeShopSending } from '../../../../support/fakes/sending.js';

const pause = { at: '2026-11-01T00:00:00.000Z', reasons: [] };

describe('a shop’s sending settings', () => {
  it('shows the defaults until the shop sets them: 5 days after an open or click, 1 after a delivery', async () => {
    const sending = new FakeShopSending();
    expect(await getSendingSettings({ sending }, 'tea')).toEqual({
      from: null,
      replyTo: [],
      attributionWindow: { afterEngagementDays: 5, afterDeliveryDays: 1 },
      smsMaxPriceUsd: 0.05,
      allowedHosts: [],
      marketingConsent: 'opt-in',
      paused: null,
    });
  });

  it('replaces what the shop sets, and leaves huitou’s pause as it was', async () => {
    const sending = new FakeShopSending();
    sending.set('tea', { allowedHosts: ['old.example'], paused: pause });
    const put = await putSendingSettings({ sending }, 'tea', {
      from: { address: 'care@tea.example', name: 'Tea House' },
      replyTo: ['owner@tea.example'],
      attributionWindow: { afterEngagementDays: 7, afterDeliveryDays: 2 },
      smsMaxPriceUsd: 0.02,
      allowedHosts: ['tea.example', '*.tea.example'],
    });
    expect(put).toMatchObject({
      from: { address: 'care@tea.example', name: 'Tea House' },
      attributionWindow: { afterEngagementDays: 7, afterDeliveryDays: 2 },
      allowedHosts: ['tea.example', '*.tea.example'],
      paused: pause,
    });
    // Left out the next time: back to the defaults.
    expect(await putSendingSettings({ sending }, 'tea', {})).toMatchObject({
      from: null,
      smsMaxPriceUsd: 0.05,
      allowedHosts: [],
      paused: pause,
    });
  });

  it('refuses a bad body with each field’s path, writing nothing, and never lets the pause be set', async () => {
    const sending = new FakeShopSending();
    sending.set('tea', { allowedHosts: ['tea.example'] });
    const refused = await putSendingSettings({ sending }, 'tea', {
      from: { address: 'not an address' },
      attributionWindow: { afterEngagementDays: -1, afterDeliveryDays: 1 },
      allowedHosts: ['https://evil.example/path'],
      paused: null,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      '(root)',
      'allowedHosts.0',
      'attributionWindow.afterEngagementDays',
      'from.address',
    ]);
    expect((await sending.get('tea')).allowedHosts).toEqual(['tea.example']);
  });

  it('names the sender as mail clients show it', () => {
    expect(fromHeader({ address: 'care@tea.example' })).toBe('care@tea.example');
    expect(fromHeader({ address: 'care@tea.example', name: 'Tea House' })).toBe(
      'Tea House <care@tea.example>',
    );
    expect(fromHeader({ address: 'care@tea.example', name: 'Tea, "House"' })).toBe(
      '"Tea, \\"House\\"" <care@tea.example>',
    );
  });
});
