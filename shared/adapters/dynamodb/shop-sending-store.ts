import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SendingSettingsInput } from '../../domain/sending/sending-settings.js';
import type { PauseReason } from '../../domain/sending/shop-health.js';
import type { ShopSending, ShopSendingStore } from '../../ports/sending/messaging.js';
import { conditionally } from './batch.js';
import { keys } from './keys.js';

/** The attributes of the settings item the shop sets (PUT /v1/settings/sending). */
const settingFields = [
  'from',
  'replyTo',
  'attributionWindow',
  'smsMaxPriceUsd',
  'allowedHosts',
  'url',
  'marketingConsent',
] as const satisfies ReadonlyArray<keyof SendingSettingsInput>;

/** How long a counted event id is remembered (SNS redelivers within hours, not weeks). */
const countedEventDays = 14;

/** A shop's sending settings, pause state and per-day health counters. */
export class DynamoShopSendingStore implements ShopSendingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(shopId: string): Promise<ShopSending> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shopSending(shopId) }),
    );
    const item = out.Item ?? {};
    return {
      allowedHosts: (item.allowedHosts as string[] | undefined) ?? [],
      marketingConsent: item.marketingConsent === 'opt-out' ? 'opt-out' : 'opt-in',
      ...(item.url ? { url: item.url as string } : {}),
      ...(item.from ? { from: item.from as ShopSending['from'] & object } : {}),
      ...(item.replyTo ? { replyTo: item.replyTo as string[] } : {}),
      ...(item.attributionWindow
        ? { attributionWindow: item.attributionWindow as ShopSending['attributionWindow'] & object }
        : {}),
      ...(typeof item.smsMaxPriceUsd === 'number' ? { smsMaxPriceUsd: item.smsMaxPriceUsd } : {}),
      ...(item.paused ? { paused: item.paused as ShopSending['paused'] & object } : {}),
    };
  }

  async put(shopId: string, settings: SendingSettingsInput): Promise<void> {
    const fields = settingFields.map((name) => [name, settings[name]] as const);
    const set = fields.filter(([, v]) => v !== undefined);
    const removed = fields.filter(([, v]) => v === undefined).map(([name]) => `#${name}`);
    // One update of the settings' own attributes: the pause, written by tracking, is left as it is.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.shopSending(shopId),
        UpdateExpression: [
          set.length > 0 ? `SET ${set.map(([name]) => `#${name} = :${name}`).join(', ')}` : '',
          removed.length > 0 ? `REMOVE ${removed.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ExpressionAttributeNames: Object.fromEntries(settingFields.map((name) => [`#${name}`, name])),
        ...(set.length > 0
          ? { ExpressionAttributeValues: Object.fromEntries(set.map(([name, v]) => [`:${name}`, v])) }
          : {}),
      }),
    );
  }

  async count(
    shopId: string,
    day: string,
    kind: 'sent' | 'bounces' | 'complaints',
    eventId: string,
  ): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + countedEventDays * 86_400;
    // The event id and the counter in one transaction: an event delivered twice counts once.
    await conditionally(() =>
      this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.shopHealthEvent(shopId, eventId), expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.shopHealthDay(shopId, day),
                UpdateExpression: 'ADD #k :one',
                ExpressionAttributeNames: { '#k': kind },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      ),
    );
  }

  async daily(shopId: string, from: string, to: string) {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.shopHealthDay(shopId, from).pk, ':from': from, ':to': to },
      }),
    );
    return (out.Items ?? []).map((i) => ({
      day: i.sk as string,
      sent: (i.sent as number | undefined) ?? 0,
      bounces: (i.bounces as number | undefined) ?? 0,
      complaints: (i.complaints as number | undefined) ?? 0,
    }));
  }

  pause(shopId: string, reasons: PauseReason[], at: string): Promise<boolean> {
    return conditionally(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.shopSending(shopId),
          UpdateExpression: 'SET paused = :p',
          ConditionExpression: 'attribute_not_exists(paused)',
          ExpressionAttributeValues: { ':p': { at, reasons } },
        }),
      ),
    );
  }
}
