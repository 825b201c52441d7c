import { keysOf, mayReport, noticeOf, PORT_EVENTS, type PortEvent } from '#domain/port-events.ts';
import type { Caller, MilestoneStore, TaskCallbacks } from './ports.ts';

export type PortEventOutcome =
  | {
      readonly kind: 'reported';
      readonly eventId: string;
      readonly resumedDeclarations: string[];
      /** Keys nobody waits on yet: the report is kept, and a workflow reaching its wait later resumes at once. */
      readonly keysWithoutWaitingDeclarations: string[];
    }
  | { readonly kind: 'not-a-reporter'; readonly reporters: readonly string[] };

/** The port reports a milestone; every declaration waiting on one of its keys resumes. */
export async function reportPortEvent(
  ports: { readonly milestones: MilestoneStore; readonly tasks: TaskCallbacks },
  input: { readonly event: PortEvent; readonly caller: Caller },
): Promise<PortEventOutcome> {
  const { event, caller } = input;
  if (![...caller.roles].some((role) => mayReport(role, event.eventType))) {
    return { kind: 'not-a-reporter', reporters: PORT_EVENTS[event.eventType].reporters };
  }
  const notice = noticeOf(event, caller.actor);
  const resumed: string[] = [];
  const unmatched: string[] = [];
  for (const key of keysOf(event)) {
    // The report first, then the waits: a workflow registering its wait in between finds the report itself.
    await ports.milestones.record(event.eventType, key, notice);
    const waits = await ports.milestones.waitsFor(event.eventType, key);
    if (waits.length === 0) unmatched.push(key);
    for (const wait of waits) {
      if (await ports.tasks.resume(wait.taskToken, notice)) resumed.push(wait.declarationId);
      await ports.milestones.removeWait(event.eventType, key, wait.declarationId);
    }
  }
  return {
    kind: 'reported',
    eventId: event.eventId,
    resumedDeclarations: resumed,
    keysWithoutWaitingDeclarations: unmatched,
  };
}
