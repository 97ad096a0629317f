import type { EditableShopSettings, ShopSettings } from '../../domain/shops/shop.js';

export interface ApiKeyRecord {
  shopId: string;
  /** The first characters of the key, for people to tell keys apart; never enough to use it. */
  prefix: string;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

export interface ShopStore {
  getShop(shopId: string): Promise<ShopSettings | null>;
  putShop(settings: ShopSettings): Promise<void>;
  listShops(): Promise<ShopSettings[]>;
  /**
   * Sets the given fields of an existing shop's settings and leaves the others as they are (two
   * settings edited at once do not undo each other). The settings after, or null: no such shop.
   */
  updateSettings(shopId: string, fields: EditableShopSettings): Promise<ShopSettings | null>;
  putApiKey(key: ApiKeyRecord): Promise<void>;
  findApiKey(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(shopId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(shopId: string, prefix: string, at: string): Promise<boolean>;
  /** Counts one request in the shop's current one-second window and returns the count so far. */
  countRequest(shopId: string, epochSecond: number): Promise<number>;
}
