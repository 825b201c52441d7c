import { sleep, type TwinApi } from './api.ts';

/**
 * What the twin knows of each declaration it drives, from the brokers' pull feed (`GET /v1/events`, one cursor per
 * broker): its status and the changes it went through. One feed read answers up to 100 changes of any number of
 * declarations, so waiting for thousands of declarations costs a request every half second per broker, not a
 * request per declaration per poll.
 */
export interface FeedEvent {
  readonly declarationId: string;
  readonly status: string;
  readonly transition: string;
  readonly version: number;
  readonly occurredAt: string;
  readonly track?: string;
  readonly trackState?: string;
  readonly details?: Record<string, unknown>;
}

export interface DeclarationView {
  readonly status: string;
  readonly version: number;
  /** Every change seen, in version order. */
  readonly events: readonly FeedEvent[];
}

interface Waiter {
  readonly id: string;
  readonly done: (view: DeclarationView) => boolean;
  readonly resolve: (view: DeclarationView) => void;
  readonly reject: (error: unknown) => void;
}

const FEED_PAGE = 100;
const IDLE_PAUSE_MS = 400;

export class StatusBoard {
  readonly #api: TwinApi;
  readonly #views = new Map<string, { status: string; version: number; events: FeedEvent[] }>();
  readonly #waiters = new Set<Waiter>();
  readonly #followers: Promise<void>[] = [];
  readonly #stop = new AbortController();
  #failure: unknown;
  readonly #listeners = new Set<(event: FeedEvent) => void>();

  constructor(api: TwinApi, brokers: readonly string[]) {
    this.#api = api;
    for (const broker of brokers) this.#followers.push(this.#follow(broker));
  }

  view(id: string): DeclarationView | undefined {
    return this.#views.get(id);
  }

  /** Called for each change as it is read. */
  onEvent(listener: (event: FeedEvent) => void): void {
    this.#listeners.add(listener);
  }

  /** Resolves once the declaration's view satisfies `done`. */
  until(id: string, done: (view: DeclarationView) => boolean): Promise<DeclarationView> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const view = this.#views.get(id);
    if (view !== undefined && done(view)) return Promise.resolve(view);
    return new Promise((resolve, reject) => this.#waiters.add({ id, done, resolve, reject }));
  }

  /** Resolves with the first change that `matches`, once it is in the feed. */
  async change(id: string, matches: (event: FeedEvent) => boolean): Promise<FeedEvent> {
    const view = await this.until(id, (candidate) => candidate.events.some(matches));
    return view.events.find(matches) as FeedEvent;
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled(this.#followers);
  }

  async #follow(broker: string): Promise<void> {
    let cursor: string | undefined;
    const token = this.#api.brokerToken(broker);
    try {
      while (!this.#stop.signal.aborted) {
        const query = new URLSearchParams({
          limit: String(FEED_PAGE),
          ...(cursor === undefined ? {} : { after: cursor }),
        });
        const page = await this.#api.expect(200, `the event feed of ${broker}`, 'GET', `/v1/events?${query}`, token);
        const items = (page.body.items ?? []) as FeedEvent[];
        cursor = String(page.body.nextCursor);
        for (const event of items) this.#record(event);
        if (items.length > 0) this.#wake();
        // A full page means more is waiting: read on at once; otherwise the feed has caught up.
        if (items.length < FEED_PAGE) await sleep(IDLE_PAUSE_MS, this.#stop.signal).catch(() => undefined);
      }
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      // Every wait fails with the feed's error: the run stops loudly instead of waiting for ever.
      this.#failure = error;
      for (const waiter of this.#waiters) waiter.reject(error);
      this.#waiters.clear();
    }
  }

  #record(event: FeedEvent): void {
    let view = this.#views.get(event.declarationId);
    if (view === undefined) {
      view = { status: event.status, version: event.version, events: [] };
      this.#views.set(event.declarationId, view);
    }
    if (view.events.some((seen) => seen.version === event.version && seen.transition === event.transition)) return;
    view.events.push(event);
    view.events.sort((a, b) => a.version - b.version);
    if (event.version >= view.version) {
      view.version = event.version;
      view.status = event.status;
    }
    for (const listener of this.#listeners) listener(event);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) {
      const view = this.#views.get(waiter.id);
      if (view !== undefined && waiter.done(view)) {
        this.#waiters.delete(waiter);
        waiter.resolve(view);
      }
    }
  }
}
