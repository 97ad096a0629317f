import { NotFoundError } from '../../domain/errors.js';
import {
  byStep,
  journeyReport,
  overviewReport,
  type ReportOptions,
  type SendReport,
  sendReport,
} from '../../domain/reports/report.js';
import type { SendSource } from '../../domain/sending/send-identity.js';
import type { SendRecord } from '../../domain/sending/send-request.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import type { SendRecordReader } from '../../ports/sending/send-records.js';

export interface ReportDeps {
  sendRecords: SendRecordReader;
  /** The shop's campaigns and journeys, for the overview. */
  sources: (shopId: string) => Promise<SendSource[]>;
}

export const reportPageSize = 500;

/** Every record of a source, page by page, withheld ones included. */
export async function recordsOf(
  reader: SendRecordReader,
  shopId: string,
  source: SendSource,
): Promise<SendRecord[]> {
  const records: SendRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.ofSource(shopId, source, {
      limit: reportPageSize,
      ...(cursor ? { cursor } : {}),
    });
    records.push(...page.records);
    cursor = page.cursor;
  } while (cursor);
  return records;
}

function optionsOf(shop: ShopSettings, usdRate?: number): ReportOptions {
  return { timeZone: shop.timeZone, currency: shop.currency, ...(usdRate === undefined ? {} : { usdRate }) };
}

const sourceId = (s: SendSource) => (s.kind === 'campaign' ? s.campaignId : s.journeyId);

async function recordsOrNotFound(
  deps: Pick<ReportDeps, 'sendRecords'>,
  shop: ShopSettings,
  source: SendSource,
) {
  const records = await recordsOf(deps.sendRecords, shop.shopId, source);
  if (records.length === 0) throw new NotFoundError(`sends of ${source.kind} ${sourceId(source)}`);
  return records;
}

export interface CampaignReport extends SendReport {
  campaignId: string;
  currency: string;
}

export async function campaignReport(
  deps: Pick<ReportDeps, 'sendRecords'>,
  shop: ShopSettings,
  campaignId: string,
  usdRate?: number,
): Promise<CampaignReport> {
  const records = await recordsOrNotFound(deps, shop, { kind: 'campaign', campaignId });
  return { campaignId, currency: shop.currency, ...sendReport(records, optionsOf(shop, usdRate)) };
}

export async function journeyReportOf(
  deps: Pick<ReportDeps, 'sendRecords'>,
  shop: ShopSettings,
  journeyId: string,
  usdRate?: number,
) {
  const records = await recordsOrNotFound(deps, shop, { kind: 'journey', journeyId });
  return { journeyId, currency: shop.currency, ...journeyReport(records, optionsOf(shop, usdRate)) };
}

/** Each campaign, and each journey step, is a unit with its own holdout. */
export async function shopOverview(deps: ReportDeps, shop: ShopSettings) {
  const units: SendRecord[][] = [];
  for (const source of await deps.sources(shop.shopId)) {
    const records = await recordsOf(deps.sendRecords, shop.shopId, source);
    if (source.kind === 'campaign') units.push(records);
    else units.push(...byStep(records).map(([, stepRecords]) => stepRecords));
  }
  return { currency: shop.currency, ...overviewReport(units, optionsOf(shop)) };
}
