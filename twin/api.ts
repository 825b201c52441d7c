/**
 * The twin's HTTP client: every call goes through the public API with a role's token, at most `concurrency` at
 * a time (the stack's throughput is the limit; more in flight only queues inside it). A 429 or a dropped
 * connection is tried again after a pause; any other answer is the caller's to judge.
 */
export interface Tokens {
  /** A broker token per broker id. */
  readonly brokers: Readonly<Record<string, string>>;
  readonly railway: string;
  readonly portOperator: string;
  readonly officer: string;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export class TwinApiError extends Error {
  readonly answer: Answer | undefined;
  constructor(message: string, answer?: Answer) {
    super(answer === undefined ? message : `${message}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 800)}`);
    this.name = 'TwinApiError';
    this.answer = answer;
  }
}

export class TwinApi {
  readonly baseUrl: string;
  readonly tokens: Tokens;
  #requests = 0;
  #inFlight = 0;
  readonly #concurrency: number;
  readonly #queue: (() => void)[] = [];
  readonly #signal: AbortSignal | undefined;

  constructor(baseUrl: string, tokens: Tokens, options: { concurrency?: number; signal?: AbortSignal } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.tokens = tokens;
    this.#concurrency = options.concurrency ?? 16;
    this.#signal = options.signal;
  }

  get requests(): number {
    return this.#requests;
  }

  brokerToken(brokerId: string): string {
    const token = this.tokens.brokers[brokerId];
    if (token === undefined)
      throw new TwinApiError(`no token for broker ${brokerId} (the tokens file lists brokers by id)`);
    return token;
  }

  async call(
    method: string,
    path: string,
    token: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    await this.#slot();
    try {
      for (let attempt = 1; ; attempt++) {
        this.#signal?.throwIfAborted();
        this.#requests++;
        try {
          const response = await fetch(`${this.baseUrl}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
              ...options.headers,
            },
            ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
            ...(this.#signal === undefined ? {} : { signal: this.#signal }),
          });
          const text = await response.text();
          const answer = { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) };
          if (response.status !== 429 || attempt >= 8) return answer;
        } catch (error) {
          // A connection the stack dropped under load: the same request again is safe (every write is idempotent).
          if (this.#signal?.aborted || attempt >= 5 || !(error instanceof TypeError)) throw error;
        }
        await sleep(Math.min(5_000, 200 * 2 ** attempt), this.#signal);
      }
    } finally {
      this.#release();
    }
  }

  /** The call, which must answer `expected` (or one of them). */
  async expect(
    expected: number | readonly number[],
    what: string,
    method: string,
    path: string,
    token: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const answer = await this.call(method, path, token, options);
    const wanted = typeof expected === 'number' ? [expected] : expected;
    if (!wanted.includes(answer.status)) throw new TwinApiError(`${what} (${method} ${path})`, answer);
    return answer;
  }

  async #slot(): Promise<void> {
    if (this.#inFlight < this.#concurrency) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#inFlight--;
    else next();
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
