import { z } from 'zod';
import type { Profile } from '../../domain/customers/profile.js';
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from '../../domain/errors.js';
import {
  defaultTemplate,
  type PlaybookId,
  playbookIds,
  playbookPurpose,
} from '../../domain/sending/default-templates.js';
import { addressOf, skipReason } from '../../domain/sending/screening.js';
import { type SendIntent, sendIdOf } from '../../domain/sending/send-identity.js';
import type { SendPurpose, SendRequest } from '../../domain/sending/send-request.js';
import { compileTemplate, type TemplateIssue } from '../../domain/sending/template-compiler.js';
import {
  type CompiledTemplate,
  type Locale,
  locales,
  type TemplateSource,
} from '../../domain/sending/templates.js';
import type { ShopSettings } from '../../domain/shops/shop.js';
import { issuesOf } from '../../domain/validation.js';
import type { SavedTemplate, ShopSendingStore, TemplateStore } from '../../ports/sending/messaging.js';
import { type LinkSettings, renderRequest } from './send-request.js';

/**
 * A shop's templates: written in MJML (email) or text (SMS) with Liquid, one variant per locale,
 * compiled and validated when saved (the compiler loads MJML; the sender never does). The playbooks'
 * defaults are listed beside them; a shop template saved under a playbook's id replaces that
 * playbook's default of its channel for the shop. A preview renders a real customer's message
 * through the sender's own `renderRequest`, so it is what the sender would send.
 */

export type Channel = 'email' | 'sms';

export interface TemplateDeps {
  templates: TemplateStore;
  clock: () => Date;
}

export interface PreviewDeps {
  templates: Pick<TemplateStore, 'get'>;
  sending: Pick<ShopSendingStore, 'get'>;
  /** The live profile (a merged id answers for the survivor), or null. */
  profiles: { get(shopId: string, customerId: string): Promise<Profile | null> };
  links: LinkSettings;
  clock: () => Date;
}

/** One variant as the shop writes it: `body` is MJML for email, the message's text for SMS. */
export interface VariantBody {
  subject?: string;
  body: string;
}

/** A template in a listing: the shop's own or a playbook's default (`source`). */
export interface TemplateSummary {
  id: string;
  name: string;
  channel: Channel;
  source: 'shop' | 'playbook';
  /** A shop template: whether it replaces a playbook's default. A default: whether the shop's own replaces it. */
  overrides: boolean;
  locales: Locale[];
  /** The shop template's version (a default has none). */
  version: number | null;
  updatedAt: string | null;
}

export interface TemplateView extends TemplateSummary {
  variants: Partial<Record<Locale, VariantBody>>;
}

export interface Preview {
  templateId: string;
  source: 'shop' | 'playbook';
  channel: Channel;
  purpose: SendPurpose;
  /** The customer's address on the channel, if any. */
  to: string | null;
  /** Why the sender would skip this customer now (consent, suppression, pause), or null. */
  skip: string | null;
  subject?: string;
  html?: string;
  text: string;
}

const isPlaybook = (id: string): id is PlaybookId => (playbookIds as readonly string[]).includes(id);

export const templateIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _ (at most 64)');

const variantSchema = z.strictObject({
  subject: z.string().max(998).optional(),
  body: z.string().min(1).max(100_000),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  channel: z.enum(['email', 'sms']),
  variants: z
    .partialRecord(z.enum(locales), variantSchema)
    .refine((v) => Object.keys(v).length > 0, 'at least one locale'),
};
export const createTemplateSchema = z.strictObject({ id: templateIdSchema, ...fields });
export const updateTemplateSchema = z.strictObject({
  ...fields,
  /** The version read: the save fails with a conflict if another one came in between. */
  version: z.number().int().min(1),
});
export const previewSchema = z.strictObject({
  customerId: z.string().min(1).max(256),
  /** What the send request would carry: locale, products, crossSell, coupon, order, offer, … */
  data: z.record(z.string(), z.unknown()).optional(),
  /** For a playbook's default, which channel's (default email); a shop template has its own. */
  channel: z.enum(['email', 'sms']).optional(),
  /** Default: the playbook's purpose, marketing for the shop's own templates. */
  purpose: z.enum(['marketing', 'transactional']).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ValidationError(issuesOf(parsed.error));
  return parsed.data;
}

/** A compiler issue at the field the shop wrote: its locale's subject or body, with the line where it is known. */
function issueAt(locale: Locale, channel: Channel, issue: TemplateIssue): TemplateIssue {
  const field = issue.path === 'subject' ? 'subject' : 'body';
  // On email, `html` and `text` are the compiled parts: their lines are not the shop's.
  const compiledPart = channel === 'email' && (issue.path === 'html' || issue.path === 'text');
  return {
    path: `variants.${locale}.${field}`,
    message: compiledPart ? `in the compiled ${issue.path} part: ${issue.message}` : issue.message,
    ...(!compiledPart && issue.line !== undefined ? { line: issue.line } : {}),
    ...(!compiledPart && issue.column !== undefined ? { column: issue.column } : {}),
  };
}

function sourceOf(locale: Locale, channel: Channel, v: VariantBody): TemplateSource {
  return channel === 'email'
    ? { channel, locale, subject: v.subject ?? '', mjml: v.body }
    : { channel, locale, text: v.body };
}

/** Every variant compiled, or one ValidationError with every issue of every variant. */
async function compileVariants(
  channel: Channel,
  variants: Partial<Record<Locale, VariantBody>>,
): Promise<Pick<SavedTemplate, 'variants' | 'sources'>> {
  const issues: FieldIssue[] = [];
  const compiled: Partial<Record<Locale, CompiledTemplate>> = {};
  const sources: Partial<Record<Locale, TemplateSource>> = {};
  for (const locale of locales) {
    const v = variants[locale];
    if (!v) continue;
    if (channel === 'sms' && v.subject !== undefined) {
      issues.push({ path: `variants.${locale}.subject`, message: 'an SMS has no subject' });
      continue;
    }
    const source = sourceOf(locale, channel, v);
    const result = await compileTemplate(source);
    if (result.ok) {
      compiled[locale] = result.template;
      sources[locale] = source;
    } else issues.push(...result.issues.map((i) => issueAt(locale, channel, i)));
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { variants: compiled, sources };
}

function bodyOf(source: TemplateSource): VariantBody {
  return source.channel === 'email' ? { subject: source.subject, body: source.mjml } : { body: source.text };
}

const variantLocales = (variants: Partial<Record<Locale, unknown>>) =>
  locales.filter((l) => variants[l] !== undefined);

function shopView(t: SavedTemplate): TemplateView {
  return {
    id: t.templateId,
    name: t.name,
    channel: t.channel,
    source: 'shop',
    overrides: isPlaybook(t.templateId),
    locales: variantLocales(t.sources),
    version: t.version,
    updatedAt: t.updatedAt,
    variants: Object.fromEntries(
      variantLocales(t.sources).map((l) => [l, bodyOf(t.sources[l] as TemplateSource)]),
    ),
  };
}

function playbookView(id: PlaybookId, channel: Channel, overridden: boolean): TemplateView {
  return {
    id,
    name: `${id} (playbook default)`,
    channel,
    source: 'playbook',
    overrides: overridden,
    locales: [...locales],
    version: null,
    updatedAt: null,
    variants: Object.fromEntries(locales.map((l) => [l, bodyOf(defaultTemplate(id, l, channel))])),
  };
}

const summary = ({ variants: _, ...rest }: TemplateView): TemplateSummary => rest;

/** The shop's templates, then every playbook default (each marked replaced where the shop's own is). */
export async function listTemplates(
  deps: Pick<TemplateDeps, 'templates'>,
  shopId: string,
): Promise<TemplateSummary[]> {
  const own = await deps.templates.list(shopId);
  const replaced = new Set(own.map((t) => `${t.templateId}/${t.channel}`));
  return [
    ...own.map((t) => summary(shopView(t))),
    ...playbookIds.flatMap((id) =>
      (['email', 'sms'] as const).map((channel) =>
        summary(playbookView(id, channel, replaced.has(`${id}/${channel}`))),
      ),
    ),
  ];
}

/**
 * One template with what was written, to edit: the shop's own under that id, or else (or when
 * `channel` asks for another channel than the shop's) the playbook's default source.
 */
export async function getTemplate(
  deps: Pick<TemplateDeps, 'templates'>,
  shopId: string,
  templateId: string,
  channel?: Channel,
): Promise<TemplateView> {
  const saved = await deps.templates.get(shopId, templateId);
  if (saved && (channel === undefined || channel === saved.channel)) return shopView(saved);
  if (isPlaybook(templateId)) return playbookView(templateId, channel ?? 'email', false);
  throw new NotFoundError(`template ${templateId}${channel ? ` (${channel})` : ''}`);
}

async function store(
  deps: TemplateDeps,
  shopId: string,
  id: string,
  body: { name: string; channel: Channel; variants: Partial<Record<Locale, VariantBody>> },
  previousVersion: number | null,
): Promise<TemplateView> {
  const template: SavedTemplate = {
    shopId,
    templateId: id,
    name: body.name,
    channel: body.channel,
    ...(await compileVariants(body.channel, body.variants)),
    version: (previousVersion ?? 0) + 1,
    updatedAt: deps.clock().toISOString(),
  };
  if (!(await deps.templates.put(template, previousVersion)))
    throw new ConflictError(
      previousVersion === null
        ? `template ${id} exists; PUT /v1/templates/${id} changes it`
        : `template ${id} was changed meanwhile (not version ${previousVersion} any more); read it again`,
    );
  return shopView(template);
}

/** POST: a new template of the shop, version 1; under a playbook's id it replaces that default. */
export async function createTemplate(deps: TemplateDeps, shop: ShopSettings, body: unknown) {
  const { id, ...rest } = parse(createTemplateSchema, body);
  return store(deps, shop.shopId, id, rest, null);
}

/** PUT: the shop's template recompiled, if it is still at the version the caller read. */
export async function updateTemplate(
  deps: TemplateDeps,
  shop: ShopSettings,
  templateId: string,
  body: unknown,
): Promise<TemplateView> {
  const { version, ...rest } = parse(updateTemplateSchema, body);
  const current = await deps.templates.get(shop.shopId, templateId);
  if (!current)
    throw new NotFoundError(
      `template ${templateId}${isPlaybook(templateId) ? ` (POST /v1/templates with this id replaces the playbook default)` : ''}`,
    );
  if (current.version !== version)
    throw new ConflictError(`template ${templateId} is at version ${current.version}, not ${version}`);
  return store(deps, shop.shopId, templateId, rest, version);
}

/**
 * The message a send of this template would be for this customer now: a send request like a
 * campaign's, rendered by the sender's own `renderRequest` (same template choice, locale, context,
 * signed links, marked as a preview's), and the skip reason the sender would record instead of
 * sending, if any. Nothing is sent or recorded, and following its links records nothing either.
 */
export async function previewTemplate(
  deps: PreviewDeps,
  shop: ShopSettings,
  templateId: string,
  body: unknown,
): Promise<Preview> {
  const input = parse(previewSchema, body);
  const saved = await deps.templates.get(shop.shopId, templateId);
  if (!saved && !isPlaybook(templateId)) throw new NotFoundError(`template ${templateId}`);
  const channel = input.channel ?? saved?.channel ?? 'email';
  const purpose =
    input.purpose ??
    (isPlaybook(templateId) && playbookPurpose(templateId) === 'care' ? 'transactional' : 'marketing');
  const [sending, profile] = await Promise.all([
    deps.sending.get(shop.shopId),
    deps.profiles.get(shop.shopId, input.customerId),
  ]);
  if (!profile) throw new NotFoundError(`customer ${input.customerId}`);
  const now = deps.clock();
  const intent: SendIntent = {
    shopId: shop.shopId,
    customerId: profile.customerId,
    source: { kind: 'campaign', campaignId: 'preview' },
    step: templateId,
    occurrence: now.toISOString(),
  };
  const request: SendRequest = {
    sendId: sendIdOf(intent),
    intent,
    channel,
    purpose,
    templateId,
    ...(input.data ? { data: input.data } : {}),
    requestedAt: now.toISOString(),
  };
  const rendering = await renderRequest({
    request,
    shop,
    sending,
    profile,
    templates: deps.templates,
    links: deps.links,
    now,
    preview: true,
  });
  if (!rendering.ok) {
    if (rendering.reason.startsWith('unknown-template'))
      throw new NotFoundError(`template ${templateId} (${channel})`);
    const path = rendering.reason.startsWith('bad-data') ? 'data' : 'template';
    throw new ValidationError([{ path, message: rendering.reason }]);
  }
  const chosenShop = saved !== null && saved.channel === channel;
  return {
    templateId,
    source: chosenShop ? 'shop' : 'playbook',
    channel,
    purpose,
    to: addressOf(profile.traits, channel) ?? null,
    skip: skipReason({
      request,
      traits: profile.traits,
      shopPaused: Boolean(sending.paused),
      marketingConsent: sending.marketingConsent,
      now,
    }),
    ...rendering.message,
  };
}
