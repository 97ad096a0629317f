import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname } from 'node:path';

const xmlns = 'http://sns.amazonaws.com/doc/2010-03-31/';

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

/** The form's `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs as a plain map. */
function messageAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, name] of form) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (!entry) continue;
    const value = form.get(`MessageAttributes.entry.${entry[1]}.Value.StringValue`);
    if (value !== null) attributes[name] = value;
  }
  return attributes;
}

/** Why a request is not emulated, as SNS would name the error; null for a Publish to a phone number. */
function refusal(form: URLSearchParams): [code: string, message: string] | null {
  const action = form.get('Action');
  if (action !== 'Publish') return ['InvalidAction', `${action} is not emulated locally`];
  if (!form.get('PhoneNumber'))
    return ['InvalidParameter', 'Only Publish to a PhoneNumber is emulated locally'];
  if (!form.get('Message')) return ['InvalidParameter', 'Empty message'];
  return null;
}

/**
 * SNS on a laptop, for SMS only: answers the Query API's `Publish` to a phone number, as
 * `@aws-sdk/client-sns` sends it at AWS_ENDPOINT_URL_SNS (form-encoded POST, XML answer), and appends
 * the message to a JSON-lines outbox instead of a phone. Topics and other actions are not emulated.
 */
export class LocalSms {
  constructor(private readonly outbox: string) {
    mkdirSync(dirname(outbox), { recursive: true });
  }

  handle(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const refused = refusal(form);
    if (refused) {
      this.fail(res, ...refused);
      return;
    }
    const id = randomUUID();
    const { sendId, shopId } = messageAttributes(form);
    const line = { id, at: new Date().toISOString(), to: form.get('PhoneNumber'), text: form.get('Message') };
    appendFileSync(this.outbox, `${JSON.stringify({ ...line, sendId, shopId })}\n`);
    this.answer(
      res,
      200,
      `<PublishResponse xmlns="${xmlns}"><PublishResult><MessageId>${id}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }

  /** Query API errors: the SDK maps the code (InvalidParameter) to its exception class. */
  private fail(res: ServerResponse, code: string, message: string): void {
    this.answer(
      res,
      400,
      `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${code}</Code>` +
        `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
  }

  private answer(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { 'content-type': 'text/xml' });
    res.end(`<?xml version="1.0"?>\n${xml}`);
  }
}
