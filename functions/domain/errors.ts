/**
 * Errors a workflow step can end with, by the name Step Functions matches in Retry and Catch. The state
 * machines import these names, so a renamed error cannot silently stop matching.
 */
export const WORKFLOW_ERRORS = {
  /** The lifecycle forbids the move: the definition or the data is wrong; retrying cannot help. */
  transitionNotAllowed: 'TransitionNotAllowed',
  declarationNotFound: 'DeclarationNotFound',
  unknownTransition: 'UnknownTransition',
  /** Another writer changed the declaration between read and write, more often than a step retries itself. */
  versionConflict: 'VersionConflict',
} as const;

/** The errors no retry can fix. */
export const PERMANENT_WORKFLOW_ERRORS = [
  WORKFLOW_ERRORS.transitionNotAllowed,
  WORKFLOW_ERRORS.declarationNotFound,
  WORKFLOW_ERRORS.unknownTransition,
];

export class TransitionNotAllowedError extends Error {
  constructor(id: string, from: string, to: string, because?: string) {
    super(`declaration ${id} cannot move from ${from} to ${to}${because === undefined ? '' : `: ${because}`}`);
    this.name = WORKFLOW_ERRORS.transitionNotAllowed;
  }
}

export class DeclarationNotFoundError extends Error {
  constructor(id: string) {
    super(`declaration ${id} does not exist`);
    this.name = WORKFLOW_ERRORS.declarationNotFound;
  }
}

export class UnknownTransitionError extends Error {
  constructor(name: unknown) {
    super(`unknown transition ${String(name)}`);
    this.name = WORKFLOW_ERRORS.unknownTransition;
  }
}

export class VersionConflictError extends Error {
  constructor(id: string, expectedVersion: number) {
    super(`declaration ${id} is no longer at version ${expectedVersion}`);
    this.name = WORKFLOW_ERRORS.versionConflict;
  }
}
