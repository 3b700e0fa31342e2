import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertNotification } from '@omni2/contracts';

export interface ReceivedDelivery {
  id: string;
  /** Which channel sent it: `ops` for the receiver's own URL, `ops-copy` with `?copy`. */
  channel: string;
  /** The HMAC header matched the raw body under the receiver's secret. */
  signed: boolean;
  body: AlertNotification;
}

/**
 * A real HTTP webhook receiver on loopback, as an operator's endpoint would be: it checks
 * `X-Omni2-Signature` over the raw body with the shared secret and keeps what it accepted.
 * `answer` decides the status of each request (default 200), or `hold`: no answer until stop.
 * `seen` lists every request, answered or not.
 */
export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  seen: ReceivedDelivery[];
  answer: (delivery: ReceivedDelivery) => number | 'hold';
  stop(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    seen: [],
    answer: () => 200,
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      const given = String(req.headers['x-omni2-signature'] ?? '');
      const signed =
        given.length === expected.length &&
        timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      const delivery: ReceivedDelivery = {
        id: String(req.headers['x-omni2-delivery'] ?? ''),
        channel: (req.url ?? '').includes('?copy') ? 'ops-copy' : 'ops',
        signed,
        body: JSON.parse(raw.toString('utf8')) as AlertNotification,
      };
      receiver.seen.push(delivery);
      const status = receiver.answer(delivery);
      if (status === 'hold') return;
      if (status < 300) receiver.received.push(delivery);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
