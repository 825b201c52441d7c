import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it got it. */
export interface ReceivedDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: Date;
  /** What the receiver answered. */
  readonly status: number;
}

/**
 * A broker's webhook receiver on this machine (127.0.0.1, a free port), over real HTTP: it records every
 * request and answers what `answer` decides, given the event id and how many times that id came before.
 */
export async function startReceiver(answer: (eventId: string, previousTries: number) => number = () => 200) {
  const received: ReceivedDelivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const eventId = String(request.headers['webhook-id']);
      const status = answer(eventId, received.filter((r) => r.headers['webhook-id'] === eventId).length);
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: new Date(),
        status,
      });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The event ids received, in arrival order, each as often as it arrived. */
    eventIds: () => received.map((delivery) => String(delivery.headers['webhook-id'])),
    /** The distinct events received and answered 2xx, each once, in the order of their first 2xx. */
    deliveredEvents: () => {
      const seen = new Set<string>();
      return received
        .filter((delivery) => delivery.status < 300)
        .map(
          (delivery) =>
            JSON.parse(delivery.body) as {
              eventId: string;
              declarationId: string;
              version: number;
              recordedAt: string;
            },
        )
        .filter((event) => !seen.has(event.eventId) && seen.add(event.eventId));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
