import type { EditableShopSettings, ShopSettings } from '../../../shared/domain/shops/shop.js';
import type { ApiKeyRecord, ShopStore } from '../../../shared/ports/shops/shop-store.js';
import { copy } from './faults.js';
import { ConditionFailed } from './sending.js';

/**
 * The shop store of DynamoShopStore: shops by id (listed by id), keys by hash (listed by creation
 * time), a key written only where none is, revoked only once and only by its own shop, requests
 * counted per shop and second.
 */
export class FakeShopStore implements ShopStore {
  private readonly shops = new Map<string, ShopSettings>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly requests = new Map<string, number>();
  /** How many key look-ups were made, for "refused before any look-up". */
  lookups = 0;

  async getShop(shopId: string): Promise<ShopSettings | null> {
    const shop = this.shops.get(shopId);
    return shop ? copy(shop) : null;
  }

  async putShop(settings: ShopSettings): Promise<void> {
    this.shops.set(settings.shopId, copy(settings));
  }

  async listShops(): Promise<ShopSettings[]> {
    return copy([...this.shops.values()].sort((a, b) => (a.shopId < b.shopId ? -1 : 1)));
  }

  async updateSettings(shopId: string, fields: EditableShopSettings): Promise<ShopSettings | null> {
    const shop = this.shops.get(shopId);
    if (!shop) return null;
    const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    this.shops.set(shopId, copy({ ...shop, ...set }));
    return copy(this.shops.get(shopId) as ShopSettings);
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    if (this.keys.has(key.hash)) throw new ConditionFailed('key exists');
    this.keys.set(key.hash, copy(key));
  }

  async findApiKey(hash: string): Promise<ApiKeyRecord | null> {
    this.lookups += 1;
    const key = this.keys.get(hash);
    return key ? copy(key) : null;
  }

  async listApiKeys(shopId: string): Promise<ApiKeyRecord[]> {
    return copy(
      [...this.keys.values()]
        .filter((k) => k.shopId === shopId)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)),
    );
  }

  async revokeApiKey(shopId: string, prefix: string, at: string): Promise<boolean> {
    const key = (await this.listApiKeys(shopId)).find((k) => k.prefix === prefix && !k.revokedAt);
    const stored = key && this.keys.get(key.hash);
    if (!stored || stored.shopId !== shopId || stored.revokedAt) return false;
    stored.revokedAt = at;
    return true;
  }

  async countRequest(shopId: string, epochSecond: number): Promise<number> {
    const key = `${shopId}#${epochSecond}`;
    const count = (this.requests.get(key) ?? 0) + 1;
    this.requests.set(key, count);
    return count;
  }
}
