import { describe, expect, it } from 'vitest';
import { PermanentSendError } from '../../../../../shared/domain/sending/messages.js';
import { sendMessage } from '../../../../../shared/use-cases/sending/send-message.js';
import { FakeClock } from '../../../../support/fakes/clock.js';
import { FakeChannel, FakeSendLedger } from '../../../../support/fakes/sending.js';
import { email } from '../../../../support/messages.js';

function sender() {
  const clock = new FakeClock('2026-11-02T09:00:00.000Z');
  const channels = { email: new FakeChannel('ses'), sms: new FakeChannel('sns') };
  const ledger = new FakeSendLedger();
  return { clock, channels, ledger, deps: { ledger, channels, clock: clock.now } };
}

describe('sending a message', () => {
  it('claims the send, hands it to its channel, and records what the provider said', async () => {
    const { deps, ledger, channels } = sender();
    expect(await sendMessage(deps, email('s1'))).toEqual({ status: 'sent', providerMessageId: 'ses-1' });
    expect(ledger.entry(email('s1'))).toMatchObject({
      status: 'sent',
      providerMessageId: 'ses-1',
      history: [
        { status: 'sending', at: '2026-11-02T09:00:00.000Z' },
        { status: 'sent', at: '2026-11-02T09:00:00.000Z' },
      ],
    });
    await sendMessage(deps, email('s2', { channel: 'sms', to: '+8613600000001' }));
    expect(channels.sms.delivered.map((m) => m.sendId)).toEqual(['s2']);
  });

  it('never sends a message claimed before', async () => {
    const { deps, channels } = sender();
    await sendMessage(deps, email('s1'));
    expect(await sendMessage(deps, email('s1'))).toEqual({ status: 'duplicate' });
    expect(channels.email.delivered).toHaveLength(1);
  });

  it('records a permanent refusal as failed, and does not try again', async () => {
    const { deps, ledger, channels } = sender();
    channels.email.failNextWith(new PermanentSendError('mailbox does not exist'));
    expect(await sendMessage(deps, email('s1'))).toEqual({
      status: 'failed',
      reason: 'mailbox does not exist',
    });
    expect(ledger.entry(email('s1'))).toMatchObject({ status: 'failed', failure: 'mailbox does not exist' });
    expect(await sendMessage(deps, email('s1'))).toEqual({ status: 'duplicate' });
    expect(channels.email.delivered).toHaveLength(0);
  });

  it('gives the claim back on a retryable error and rethrows, so the queue retry sends it', async () => {
    const { deps, ledger, channels } = sender();
    channels.email.failNextWith(new Error('Throttling: maximum sending rate exceeded'));
    await expect(sendMessage(deps, email('s1'))).rejects.toThrow('Throttling');
    expect(ledger.entry(email('s1'))).toBeUndefined();
    expect(await sendMessage(deps, email('s1'))).toMatchObject({ status: 'sent' });
    expect(channels.email.delivered).toHaveLength(1);
  });
});
