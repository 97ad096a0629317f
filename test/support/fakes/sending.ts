import type { OutgoingMessage } from '../../../shared/domain/sending/messages.js';
import { minuteKey } from '../../../shared/domain/shops/schedule.js';
import type {
  DueStep,
  DueStepStore,
  MessageChannel,
  SendLedger,
  SendQueue,
} from '../../../shared/ports/sending/messaging.js';
import { copy, Faults } from './faults.js';

export interface LedgerEntry {
  message: OutgoingMessage;
  status: 'sending' | 'sent' | 'failed';
  history: Array<{ status: string; at: string }>;
  providerMessageId?: string;
  failure?: string;
}

/** A condition that did not hold, where the adapter lets DynamoDB's error through. */
export class ConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

/**
 * The send ledger of DynamoSendLedger: one entry per shop and send id. A claim succeeds only where
 * there is no entry; recording needs the claim (the adapter appends to its history); a release
 * deletes only a claim still `sending`, and throws otherwise.
 */
export class FakeSendLedger implements SendLedger {
  readonly faults = new Faults<'claim' | 'record' | 'release'>();
  private readonly entries = new Map<string, LedgerEntry>();

  async claim(message: OutgoingMessage, at: string): Promise<boolean> {
    this.faults.check('claim');
    const key = sendKey(message);
    if (this.entries.has(key)) return false;
    this.entries.set(key, {
      message: copy(message),
      status: 'sending',
      history: [{ status: 'sending', at }],
    });
    return true;
  }

  async record(
    message: OutgoingMessage,
    outcome: { status: 'sent'; providerMessageId: string } | { status: 'failed'; reason: string },
    at: string,
  ): Promise<void> {
    this.faults.check('record');
    const entry = this.entries.get(sendKey(message));
    if (!entry) throw new Error('ValidationException: history does not exist');
    entry.status = outcome.status;
    entry.history.push({ status: outcome.status, at });
    entry.providerMessageId = outcome.status === 'sent' ? outcome.providerMessageId : undefined;
    entry.failure = outcome.status === 'failed' ? outcome.reason : undefined;
  }

  async release(message: OutgoingMessage): Promise<void> {
    this.faults.check('release');
    const key = sendKey(message);
    if (this.entries.get(key)?.status !== 'sending') throw new ConditionFailed('not a claim in progress');
    this.entries.delete(key);
  }

  entry(message: Pick<OutgoingMessage, 'shopId' | 'sendId'>): LedgerEntry | undefined {
    const entry = this.entries.get(sendKey(message));
    return entry && copy(entry);
  }
}

function sendKey(m: Pick<OutgoingMessage, 'shopId' | 'sendId'>): string {
  return `${m.shopId}#${m.sendId}`;
}

/** A provider: keeps what it was handed; `failNextWith` makes the next deliveries throw. */
export class FakeChannel implements MessageChannel {
  readonly delivered: OutgoingMessage[] = [];
  private readonly errors: Error[] = [];

  constructor(private readonly name = 'provider') {}

  failNextWith(...errors: Error[]): void {
    this.errors.push(...errors);
  }

  async deliver(message: OutgoingMessage): Promise<string> {
    const error = this.errors.shift();
    if (error) throw error;
    this.delivered.push(copy(message));
    return `${this.name}-${this.delivered.length}`;
  }
}

/** The send queue: what was enqueued, in order, until a consumer takes it. */
export class FakeSendQueue implements SendQueue {
  readonly faults = new Faults<'enqueue'>();
  private queued: OutgoingMessage[] = [];

  async enqueue(messages: OutgoingMessage[]): Promise<void> {
    this.faults.check('enqueue');
    this.queued.push(...copy(messages));
  }

  peek(): OutgoingMessage[] {
    return copy(this.queued);
  }

  /** Hands every queued message to the consumer and empties the queue, as a receive-and-delete would. */
  take(): OutgoingMessage[] {
    const out = this.queued;
    this.queued = [];
    return out;
  }
}

/** The due-step store of DynamoDueStepStore: one step per shop and step id in the minute it is due. */
export class FakeDueStepStore implements DueStepStore {
  readonly faults = new Faults<'schedule' | 'dueIn' | 'remove'>();
  private readonly steps = new Map<string, DueStep>();

  async schedule(step: DueStep): Promise<void> {
    this.faults.check('schedule');
    this.steps.set(stepKey(step), copy(step));
  }

  async dueIn(minute: string): Promise<DueStep[]> {
    this.faults.check('dueIn');
    return [...this.steps.entries()].filter(([key]) => key.startsWith(`${minute}|`)).map(([, s]) => copy(s));
  }

  async remove(step: DueStep): Promise<void> {
    this.faults.check('remove');
    this.steps.delete(stepKey(step));
  }

  pending(): DueStep[] {
    return copy([...this.steps.values()]);
  }
}

function stepKey(step: Pick<DueStep, 'shopId' | 'stepId' | 'dueAt'>): string {
  return `${minuteKey(new Date(step.dueAt))}|${step.shopId}#${step.stepId}`;
}
