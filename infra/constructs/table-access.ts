/**
 * The DynamoDB actions a function may be granted, and the actions behind each operation of the adapters in
 * functions/adapters. A function is granted the union of the operations it performs and nothing else: no
 * Scan, no BatchWriteItem, no DeleteItem unless the code deletes.
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
 * What each operation of the declarations-table adapters calls. Kept beside the grant so that a new adapter
 * method, or a new call in an old one, shows up here and in the exact-action tests.
 */
export const DECLARATIONS_TABLE_ACCESS = {
  /** WorkflowEngine / TaskCallbacks of the request functions: one Put per queued command (dynamodb-workflow-commands.ts). */
  queueWorkflowCommand: ['dynamodb:PutItem'],
  /** DeclarationStore.file: a transaction of four Puts; on a taken id it reads the existing head back. */
  fileDeclaration: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  /** DeclarationNumbers.nextSerial: an atomic ADD on the counter of the customs office and year. */
  allocateDeclarationNumber: ['dynamodb:UpdateItem'],
  /** DeclarationStore.load and loadDocument: one consistent GetItem each. */
  readDeclaration: ['dynamodb:GetItem'],
  /** DeclarationStore.loadHistory: a Query on the declaration's partition (the base table). */
  readHistory: ['dynamodb:Query'],
  /** DeclarationStore.save: a transaction of an Update (the head) and two Puts (history, outbox event). */
  saveStatusChange: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** DeclarationStore.amend: a transaction of an Update (the head) and three Puts (document, history, outbox event). */
  amendDocument: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** DeclarationStore.listForBroker: a Query on GSI1 (granted with the index). */
  listForBroker: ['dynamodb:Query'],
  /** EventFeed.after: a Query on the broker's outbox partition. */
  readEventFeed: ['dynamodb:Query'],
  /** MilestoneStore.registerWait, find, removeWait: the workflow's own wait item and an earlier report. */
  awaitMilestone: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
  /** MilestoneStore.record, waitsFor, removeWait: a port event finds and releases the waits. */
  reportMilestone: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
  /** TraderHistory.hasClearedBefore: a Query (Limit 1) on the consignee's partition. */
  readTraderHistory: ['dynamodb:Query'],
  /** TraderHistory.recordClearance: one Put of the released declaration under its consignee. */
  recordClearance: ['dynamodb:PutItem'],
  /** OfficerTaskStore.loadTask, saveTask and the same for document requests: a consistent GetItem, a guarded PutItem. */
  officerTasks: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  /** PortBoard.list: a Query on GSI3 (granted with the index), then the documents' transport in one BatchGetItem. */
  listPortBoard: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
  /** OfficerTaskStore.listQueue: a Query on GSI2 (granted with the index). */
  listOfficerQueue: ['dynamodb:Query'],
  /** WebhookStore.add: a transaction of an Update (the broker's webhook count) and a Put (the webhook). */
  registerWebhook: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** WebhookStore.listForBroker: a Query on the broker's webhook partition. */
  listWebhooks: ['dynamodb:Query'],
  /** WebhookStore.find: one consistent GetItem. */
  findWebhook: ['dynamodb:GetItem'],
  /** WebhookStore.remove: a transaction of a Delete (the webhook) and an Update (the count). */
  deleteWebhook: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
  /** DeliveryLog.nextAttempt and record: an Update of the attempt counter and a Put of the attempt. */
  recordDelivery: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** DeliveryLog.newestFirst: a Query on the webhook's delivery partition. */
  readDeliveryLog: ['dynamodb:Query'],
  /** TrainStore.loadHead and loadManifest: one consistent GetItem each. */
  readTrain: ['dynamodb:GetItem'],
  /** A release accounts for its manifest line (Put), reads the lines (Query) and the head and manifest (Get), and may write the head off (Put). */
  closeManifestLine: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem'],
  /** TrainStore.saveManifest: a transaction of two Puts (the head, guarded by its version, and the new version). */
  saveManifest: ['dynamodb:PutItem'],
  /** SlotStore.loadBooking: one consistent GetItem beside the declaration. */
  readSlotBooking: ['dynamodb:GetItem'],
  /**
   * SlotStore.write of a booking or a move: a transaction of Updates (the head's version, the hours' counters) and
   * Puts (the booking, the history entry, the outbox event).
   */
  bookSlot: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
  /** SlotStore.write of a cancellation: the same, the booking deleted rather than put. */
  cancelSlotBooking: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
  /** SlotStore.bookedHours: a Query on one lane's day partition. */
  readSlotCalendar: ['dynamodb:Query'],
} as const satisfies Record<string, readonly TableAction[]>;

/** functions/shared/idempotency.ts claims a key (a conditional put), stores the answer, or drops the claim. */
export const IDEMPOTENCY_TABLE_ACCESS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly TableAction[];
