/**
 * A reason the local stack cannot start that the user can fix (a busy port, no Java, a definition the
 * harness cannot run faithfully). `npm start` prints its message as one line, without a stack trace.
 */
export class LocalStackStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackStartError';
  }
}
