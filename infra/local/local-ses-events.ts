import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './gateway.js';

/**
 * The SES configuration set's event destination on a laptop. The emulator accepts mail but
 * publishes no events, and the sender's at-most-once rests on one of them: SES's Send event settles
 * a send whose own record was never written (a crash after SES accepted it). So the runtime stands
 * in front of the emulator (on the local SES port), and for every email accepted with a
 * configuration set hands the tracking queue the Send event's SNS notification, as AWS would.
 * Delivery, bounces, opens and clicks do not happen locally: tests feed those themselves.
 */

const sendEmailPath = '/v2/email/outbound-emails';

interface SendEmailInput {
  ConfigurationSetName?: string;
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  EmailTags?: Array<{ Name: string; Value: string }>;
}

/** The SNS notification of SES's Send event for one accepted SendEmail, or null when none would be published. */
export function sendEventNotification(requestBody: string, responseBody: string, at: Date): string | null {
  let input: SendEmailInput;
  let messageId: unknown;
  try {
    input = JSON.parse(requestBody) as SendEmailInput;
    messageId = (JSON.parse(responseBody) as { MessageId?: unknown }).MessageId;
  } catch {
    return null;
  }
  if (!input.ConfigurationSetName || typeof messageId !== 'string') return null;
  const tags: Record<string, string[]> = {};
  for (const tag of input.EmailTags ?? []) tags[tag.Name] = [tag.Value];
  const timestamp = at.toISOString();
  const event = {
    eventType: 'Send',
    mail: {
      timestamp,
      messageId,
      source: input.FromEmailAddress,
      destination: input.Destination?.ToAddresses ?? [],
      tags: { ...tags, 'ses:configuration-set': [input.ConfigurationSetName] },
    },
    send: {},
  };
  return JSON.stringify({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: 'arn:aws:sns:local:000000000000:huitou-ses-events',
    Message: JSON.stringify(event),
    Timestamp: timestamp,
  });
}

/**
 * The local SES endpoint (AWS_ENDPOINT_URL_SESV2, and the mail viewer): every request passes to the
 * emulator and its answer back; an accepted SendEmail also goes to `publish` as its Send event.
 */
export async function startSesFront(options: {
  port: number;
  emulatorUrl: string;
  now: () => Date;
  publish: (notification: string) => void;
}): Promise<Server> {
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const body = (await readBody(req)) ?? '';
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://local');
    const answer = await fetch(`${options.emulatorUrl}${url.pathname}${url.search}`, {
      method,
      headers: {
        'content-type': String(req.headers['content-type'] ?? 'application/json'),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const text = await answer.text();
    if (method === 'POST' && url.pathname === sendEmailPath && answer.ok) {
      const notification = sendEventNotification(body, text, options.now());
      if (notification) options.publish(notification);
    }
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(text);
  };
  const server = createServer((req, res) =>
    forward(req, res).catch((error: Error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `local SES: ${error.message}` }));
    }),
  );
  await new Promise<void>((ok) => server.listen(options.port, '127.0.0.1', ok));
  return server;
}
