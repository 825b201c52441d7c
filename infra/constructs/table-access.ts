/**
 * The DynamoDB actions a function may be granted, and the actions behind each data-access operation of the
 * code. A function is granted the union of the operations it performs and nothing else: no Scan, no
 * BatchWriteItem, no DeleteItem unless the code deletes.
 *
 * Transactions have no IAM action of their own: TransactWriteItems is authorised item by item as PutItem,
 * UpdateItem, DeleteItem or ConditionCheckItem. Tables are encrypted with the AWS-managed key, which needs
 * no KMS grant.
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem';

/** Actions that read through an index; only these are ever granted on an index ARN. */
export const INDEX_ACTIONS: ReadonlySet<TableAction> = new Set(['dynamodb:Query']);

/**
 * What each operation of functions/adapters/declaration-repository.ts calls. Kept beside the grant so that
 * a new repository method, or a new call in an old one, shows up here and in the exact-action tests.
 */
export const DECLARATIONS_TABLE_ACCESS = {
  /** getDeclaration: one consistent GetItem. */
  readDeclaration: ['dynamodb:GetItem'],
  /** getWithHistory: a Query on the declaration's partition (the base table, no index). */
  readDeclarationWithHistory: ['dynamodb:Query'],
  /** create: a transaction of two Puts; on a taken id it reads the existing declaration back. */
  fileDeclaration: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  /** applyTransition: reads the version, then a transaction of an Update and a Put. */
  applyTransition: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** registerArrivalWait, arrivalOf, removeArrivalWait: the workflow's own wait item and the arrival. */
  parkUntilArrival: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
  /** recordArrival, arrivalWaitsFor, removeArrivalWait: a port event finds and releases the waits. */
  reportArrival: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
} as const satisfies Record<string, readonly TableAction[]>;

/** Powertools' DynamoDBPersistenceLayer (functions/shared/idempotency.ts) gets, puts, updates and deletes records. */
export const IDEMPOTENCY_TABLE_ACCESS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly TableAction[];
