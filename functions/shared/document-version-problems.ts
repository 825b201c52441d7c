import { etagOf } from '#application/views.ts';
import { ProblemError } from './problem.ts';

/**
 * The answers the routes that write a declaration's document share: a write of a new version names the version
 * it read (If-Match), a stale one is refused with the current ETag, and a document too large for one item is
 * refused before anything is written.
 */

/** The document version named by If-Match; 428 without one. `naming` says which version, e.g. "the document version you amend". */
export function expectedDocumentVersion(headers: Readonly<Record<string, string | undefined>>, naming: string): number {
  const ifMatch = headers['if-match'];
  if (ifMatch === undefined) {
    throw new ProblemError('precondition-required', `name ${naming}: If-Match: "<version>"`, [
      { field: 'if-match', rule: 'required', detail: 'the ETag of the document version you read' },
    ]);
  }
  return Number(ifMatch.slice(1, -1));
}

/** 412: the document moved on since the version the caller read; `verb` is what the caller does (amend, complete). */
export function staleDocumentVersion(currentDocumentVersion: number, verb: string): ProblemError {
  return new ProblemError(
    'precondition-failed',
    `the document is at version ${currentDocumentVersion}: read it again and ${verb} that version`,
    [{ field: 'if-match', rule: 'current-version', detail: `the current ETag is ${etagOf(currentDocumentVersion)}` }],
  );
}

/** 413: a document larger than one declaration may hold; `advice` follows the sizes when there is a way out. */
export function documentTooLarge(
  outcome: { readonly sizeInBytes: number; readonly limitInBytes: number },
  advice = '',
): ProblemError {
  return new ProblemError(
    'payload-too-large',
    `the document takes ${outcome.sizeInBytes} bytes; a declaration may hold ${outcome.limitInBytes}${advice}`,
    [{ field: '', rule: 'max-document-size', detail: `at most ${outcome.limitInBytes} bytes of JSON` }],
  );
}
