import {
  type ArrivalWait,
  DeclarationNotFoundError,
  type DeclarationRepository,
  filedDeclaration,
  type StoredDeclaration,
  TransitionNotAllowedError,
} from '#adapters/declaration-repository.ts';
import type { TaskCallbacks, WorkflowStarter } from '#adapters/workflow-client.ts';
import { decideTransition, type HistoryEntry } from '#domain/lifecycle.ts';
import type { ArrivalNotice } from '#domain/port-event.ts';

/**
 * Hand-written, in-memory fakes of the application's ports: no AWS, no mocks. They keep the
 * repository's contract (first write wins, transitions guarded by the lifecycle) without its table layout.
 */
export function inMemoryDeclarations() {
  const declarations = new Map<string, StoredDeclaration>();
  const histories = new Map<string, HistoryEntry[]>();
  const waits = new Map<string, ArrivalWait[]>();
  const arrivals = new Map<string, ArrivalNotice>();
  let creates = 0;

  const repository: DeclarationRepository = {
    async getDeclaration(id) {
      return declarations.get(id);
    },
    async create(input) {
      const existing = declarations.get(input.id);
      if (existing !== undefined) return { created: false, declaration: existing };
      creates++;
      const { declaration, entry } = filedDeclaration(input);
      declarations.set(input.id, declaration);
      histories.set(input.id, [entry]);
      return { created: true, declaration };
    },
    async getWithHistory(id) {
      const declaration = declarations.get(id);
      if (declaration === undefined) return undefined;
      return { declaration, history: [...(histories.get(id) ?? [])] };
    },
    async applyTransition(id, transition, options) {
      const current = declarations.get(id);
      if (current === undefined) throw new DeclarationNotFoundError(id);
      const outcome = decideTransition(current, transition, options.at, options.details);
      if (outcome.kind === 'already-applied') return { declaration: current, applied: false };
      if (outcome.kind === 'not-allowed') throw new TransitionNotAllowedError(id, outcome.from, outcome.to);
      const { entry } = outcome;
      const declaration: StoredDeclaration = {
        ...current,
        status: entry.status,
        version: entry.version,
        updatedAt: entry.at,
        facts: { ...current.facts, ...options.facts },
      };
      declarations.set(id, declaration);
      histories.get(id)?.push(entry);
      return { declaration, applied: true };
    },
    async registerArrivalWait(waybill, wait) {
      const others = (waits.get(waybill) ?? []).filter((w) => w.declarationId !== wait.declarationId);
      waits.set(waybill, [...others, { ...wait }]);
    },
    async arrivalWaitsFor(waybill) {
      return [...(waits.get(waybill) ?? [])];
    },
    async removeArrivalWait(waybill, declarationId) {
      waits.set(
        waybill,
        (waits.get(waybill) ?? []).filter((w) => w.declarationId !== declarationId),
      );
    },
    async recordArrival(waybill, notice) {
      if (!arrivals.has(waybill)) arrivals.set(waybill, notice);
    },
    async arrivalOf(waybill) {
      return arrivals.get(waybill);
    },
  };

  return {
    repository,
    /** How many declarations were actually stored (retries that found one already do not count). */
    get creates() {
      return creates;
    },
    history: (id: string) => [...(histories.get(id) ?? [])],
    waitsFor: (waybill: string) => [...(waits.get(waybill) ?? [])],
    arrivalOf: (waybill: string) => arrivals.get(waybill),
  };
}

/** A workflow starter that remembers the executions it started; a second start of a name is a no-op. */
export function fakeWorkflow() {
  const started: string[] = [];
  const starts: string[] = [];
  const workflow: WorkflowStarter = {
    async startFor(declarationId) {
      starts.push(declarationId);
      const alreadyStarted = started.includes(declarationId);
      if (!alreadyStarted) started.push(declarationId);
      return { executionArn: `arn:aws:states:::execution:rail-import:${declarationId}`, alreadyStarted };
    },
  };
  return { workflow, started, starts };
}

/** Task callbacks that remember every resumed token; tokens listed as gone answer false, as timed-out tasks do. */
export function fakeTaskCallbacks(goneTokens: readonly string[] = []) {
  const resumed: { taskToken: string; output: unknown }[] = [];
  const tasks: TaskCallbacks = {
    async resume(taskToken, output) {
      if (goneTokens.includes(taskToken)) return false;
      resumed.push({ taskToken, output });
      return true;
    },
  };
  return { tasks, resumed };
}

/** A clock that advances one minute at every reading, so each history entry has its own time. */
export function steppingClock(start = new Date('2025-03-01T06:00:00Z')) {
  let next = start.getTime();
  return () => {
    const now = new Date(next);
    next += 60_000;
    return now;
  };
}
