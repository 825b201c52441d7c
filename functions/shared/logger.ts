import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger; service name and level come from POWERTOOLS_* variables set by the function construct. */
export const logger = new Logger();
