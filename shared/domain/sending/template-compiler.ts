import { convert } from 'html-to-text';
import { Liquid, LiquidError, Tokenizer, TokenKind } from 'liquidjs';
import mjml2html from 'mjml';
import type { FieldIssue } from '../errors.js';
import { type CompiledTemplate, liquidOptions, type TemplateSource } from './templates.js';

/**
 * Templates when they are saved: Liquid checked, MJML compiled to HTML, the text part derived. MJML
 * is large and asynchronous, so it runs here and never on the send path. Liquid tags are set aside
 * as placeholders while MJML and html-to-text work (MJML would otherwise see `{% if %}` as text
 * and html-to-text could change its case or wrap it) and put back after, so the HTML and text keep
 * them for send time.
 */

export interface TemplateIssue extends FieldIssue {
  line?: number;
  column?: number;
}

export type CompileResult = { ok: true; template: CompiledTemplate } | { ok: false; issues: TemplateIssue[] };

const liquid = new Liquid(liquidOptions);

/** Liquid's own errors, with the position it appends to the message moved into line and column. */
function liquidIssues(path: string, source: string): TemplateIssue[] {
  try {
    liquid.parse(source);
    return [];
  } catch (error) {
    if (!(error instanceof LiquidError)) return [{ path, message: String(error) }];
    const [line, column] = error.token.getPosition();
    return [{ path, line, column, message: error.message.replace(/, line:\d+, col:\d+$/, '') }];
  }
}

interface SetAside {
  text: string;
  /** The Liquid tags, by placeholder index. */
  tags: string[];
  /** The tags' lines in the original source. */
  tagLines: number[];
  /** For each line of `text`, the line it came from in the original. */
  lineOf: number[];
}

const placeholder = (i: number) => `lqph${i}hpql`;
const placeholders = /lqph(\d+)hpql/g;

function setLiquidAside(source: string): SetAside {
  const tags: string[] = [];
  const tagLines: number[] = [];
  const lineOf = [1];
  let text = '';
  let line = 1;
  for (const token of new Tokenizer(source).readTopLevelTokens()) {
    const raw = source.slice(token.begin, token.end);
    const newlines = raw.split('\n').length - 1;
    if (token.kind === TokenKind.HTML) {
      text += raw;
      for (let i = 0; i < newlines; i++) lineOf.push(line + i + 1);
    } else {
      tags.push(raw);
      tagLines.push(line);
      // One line where the tag may have had several: lineOf keeps MJML's line numbers true.
      text += placeholder(tags.length - 1);
    }
    line += newlines;
  }
  return { text, tags, tagLines, lineOf };
}

function putLiquidBack(text: string, tags: readonly string[]): string {
  return text.replace(placeholders, (_, i: string) => tags[Number(i)] ?? '');
}

async function compileEmail(source: Extract<TemplateSource, { channel: 'email' }>): Promise<CompileResult> {
  const issues = [
    ...(source.subject.trim() === '' ? [{ path: 'subject', message: 'A subject is required' }] : []),
    ...liquidIssues('subject', source.subject),
    ...liquidIssues('mjml', source.mjml),
  ];
  if (issues.length > 0) return { ok: false, issues };

  const aside = setLiquidAside(source.mjml);
  let html: string;
  try {
    const result = await mjml2html(aside.text, {
      validationLevel: 'soft',
      keepComments: false,
      // A saved template must not read files from the server.
      ignoreIncludes: true,
      // No web fonts fetched by every mail client; the templates name fonts the systems have.
      fonts: {},
    });
    for (const e of result.errors)
      issues.push({ path: 'mjml', line: aside.lineOf[e.line - 1] ?? e.line, message: e.message });
    html = result.html;
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: 'mjml', message: error instanceof Error ? error.message : String(error) }],
    };
  }
  // A tag MJML dropped (text between sections, say) would silently vanish from the message.
  const kept = new Set([...html.matchAll(placeholders)].map((m) => Number(m[1])));
  aside.tags.forEach((tag, i) => {
    if (!kept.has(i))
      issues.push({
        path: 'mjml',
        line: aside.tagLines[i],
        message: `Liquid ${tag} is outside any content MJML keeps: put it inside mj-text, mj-button, mj-raw or an attribute`,
      });
  });
  if (issues.length > 0) return { ok: false, issues };

  const text = convert(html, {
    wordwrap: false,
    selectors: [
      // The preheader is hidden in the HTML part; in the text part it would be a stray first line.
      { selector: 'div[style*="display:none"]', format: 'skip' },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({
        selector: h,
        options: { uppercase: false },
      })),
    ],
  });
  const compiled = {
    channel: 'email' as const,
    locale: source.locale,
    subject: source.subject,
    html: putLiquidBack(html, aside.tags),
    text: putLiquidBack(text, aside.tags),
  };
  // The tags are back where MJML put them; if it moved a block's end away from its start, say so now.
  const moved = [...liquidIssues('html', compiled.html), ...liquidIssues('text', compiled.text)];
  return moved.length > 0 ? { ok: false, issues: moved } : { ok: true, template: compiled };
}

/** Validates and compiles a template; issues carry the field and, where known, the line and column. */
export async function compileTemplate(source: TemplateSource): Promise<CompileResult> {
  if (source.channel === 'email') return compileEmail(source);
  const issues = [
    ...(source.text.trim() === '' ? [{ path: 'text', message: 'An SMS needs text' }] : []),
    ...liquidIssues('text', source.text),
  ];
  return issues.length > 0 ? { ok: false, issues } : { ok: true, template: source };
}
