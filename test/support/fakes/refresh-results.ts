import type { ShopModel } from '../../../shared/domain/segments/predictions/predict.js';
import type {
  RefreshResultStore,
  RefreshSummary,
} from '../../../shared/ports/segments/refresh-result-store.js';
import { copy } from './faults.js';

/** The refresh result store of DynamoRefreshResultStore: per shop, the model and the two latest summaries, stored as JSON. */
export class FakeRefreshResultStore implements RefreshResultStore {
  private readonly models = new Map<string, ShopModel>();
  private readonly summaries = new Map<
    string,
    { latest: RefreshSummary | null; previous: RefreshSummary | null }
  >();

  async getModel(shopId: string): Promise<ShopModel | null> {
    const model = this.models.get(shopId);
    return model ? copy(model) : null;
  }

  async saveModel(shopId: string, model: ShopModel): Promise<void> {
    this.models.set(shopId, copy(model));
  }

  async getSummaries(
    shopId: string,
  ): Promise<{ latest: RefreshSummary | null; previous: RefreshSummary | null }> {
    return copy(this.summaries.get(shopId) ?? { latest: null, previous: null });
  }

  async saveSummary(shopId: string, summary: RefreshSummary): Promise<void> {
    const { latest } = await this.getSummaries(shopId);
    this.summaries.set(shopId, { latest: copy(summary), previous: latest });
  }
}
