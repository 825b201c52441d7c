import {
  type DocumentRequest,
  InvalidCursorError,
  type OfficerTask,
  type OfficerTaskStore,
} from '#application/ports.ts';
import type { OfficerQueue } from '#domain/officer-tasks.ts';
import { fakePorts } from './fake-ports.ts';

/**
 * An in-memory OfficerTaskStore with the real one's contract: writes guarded by the revision read, a queue
 * ordered by deadline (tasks without one last) that holds open tasks only, opaque cursors it checks.
 */
const CURSOR_TAG = 'in-memory-officer-queue';
const clone = <T>(value: T): T => structuredClone(value);

/** The queue's order, compared as bytes as DynamoDB does: the deadline, then the declaration; '~' sorts after any deadline. */
const orderOf = (task: OfficerTask) => `${task.dueAt ?? '~'}#${task.declarationId}`;

export function inMemoryOfficerTaskStore() {
  const tasks = new Map<string, OfficerTask>();
  const requests = new Map<string, DocumentRequest>();
  let writes = 0;
  const guarded = <T extends { revision: number }>(map: Map<string, T>, id: string, item: T, expected?: number) => {
    if (map.get(id)?.revision !== expected) return false;
    map.set(id, clone(item));
    writes++;
    return true;
  };

  const store: OfficerTaskStore = {
    async loadTask(id) {
      const task = tasks.get(id);
      return task === undefined ? undefined : clone(task);
    },
    async saveTask(task, expected) {
      return guarded(tasks, task.declarationId, task, expected);
    },
    async listQueue(queue: OfficerQueue, limit, cursor) {
      let after: string | undefined;
      if (cursor !== undefined) {
        try {
          const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
            tag?: unknown;
            after?: unknown;
          };
          if (value.tag !== CURSOR_TAG || typeof value.after !== 'string') throw new InvalidCursorError();
          after = value.after;
        } catch {
          throw new InvalidCursorError();
        }
      }
      const open = [...tasks.values()]
        .filter((task) => task.state === 'OPEN' && task.queue === queue)
        .sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : orderOf(a) > orderOf(b) ? 1 : 0))
        .filter((task) => after === undefined || orderOf(task) > after);
      const items = open.slice(0, limit);
      const last = items.at(-1);
      return {
        items: clone(items),
        ...(open.length > items.length && last !== undefined
          ? { nextCursor: Buffer.from(JSON.stringify({ tag: CURSOR_TAG, after: orderOf(last) })).toString('base64url') }
          : {}),
      };
    },
    async loadDocumentRequest(id) {
      const request = requests.get(id);
      return request === undefined ? undefined : clone(request);
    },
    async saveDocumentRequest(request, expected) {
      return guarded(requests, request.declarationId, request, expected);
    },
  };
  return {
    store,
    taskOf: (id: string) => clone(tasks.get(id)),
    requestOf: (id: string) => clone(requests.get(id)),
    /** How many writes succeeded, to show that a retry wrote nothing. */
    writes: () => writes,
    /** Another writer changes the task just before the next write of it, which then finds a newer revision. */
    interfere(id: string) {
      const task = tasks.get(id);
      if (task !== undefined) tasks.set(id, { ...task, revision: task.revision + 1 });
    },
  };
}

/** The use cases' ports with an officer task store. */
export function fakeOfficerPorts(options: Parameters<typeof fakePorts>[0] = {}) {
  const ports = fakePorts(options);
  const officerTaskStore = inMemoryOfficerTaskStore();
  return { ...ports, officerTasks: officerTaskStore.store, officerTaskStore };
}
export type FakeOfficerPorts = ReturnType<typeof fakeOfficerPorts>;
