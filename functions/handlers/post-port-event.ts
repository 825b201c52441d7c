import { declarationsFromEnv } from '#adapters/ports.ts';
import { taskCallbacksFromEnv } from '#adapters/workflow-ports.ts';
import { reportTrainArrival } from '#application/rail-import.ts';
import { type PortEvent, portEventSchema } from '#domain/port-event.ts';
import { httpRoute, json } from '#shared/http.ts';

const ports = { declarations: declarationsFromEnv(), tasks: taskCallbacksFromEnv() };

/** POST /v1/port-events: the port reports what happened (first: a train arrived); waiting workflows resume. */
export const handler = httpRoute<PortEvent>(
  {
    roles: ['port-operator'],
    bodySchema: portEventSchema,
    // A port system retrying an event gets the first answer back; the event id is the natural key.
    idempotency: { jmesPath: 'body.eventId', field: '/eventId' },
  },
  async ({ body }) => json(202, await reportTrainArrival(ports, body)),
);
