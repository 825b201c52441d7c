import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENTITY } from '#adapters/table-layout.ts';
import { ENV } from '#shared/env.ts';
import { PreClearanceFunction } from './pre-clearance-function.ts';
import { DECLARATIONS_TABLE_ACCESS as access } from './table-access.ts';
import { WebhookDeliveryWorkflow } from './webhook-delivery-workflow.ts';

export interface WebhookNotificationsProps {
  /** The declarations table, with its stream: the outbox, the webhooks and the delivery log all live there. */
  readonly declarationsTable: ITable;
  readonly stateMachineName: string;
  /** Whether webhooks may point at loopback receivers (local harness only). */
  readonly allowLoopbackWebhooks: boolean;
  readonly retryInterval?: Duration;
}

/** What the stream mapping needs to read the table's stream; ListStreams included, which Lambda checks for. */
export const STREAM_READ_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

/**
 * Outbox → stream → dispatcher → one delivery execution per (event, webhook):
 *
 *   DeclarationsTable stream ─(INSERT of a DomainEvent item)─▶ dispatch-notifications ─StartExecution─▶
 *   webhook-delivery state machine ─▶ deliver-webhook ─HTTPS─▶ the broker's receiver
 *
 * The mapping's filter lets only new outbox items through, so every other write to the table costs nothing.
 * Batches of 25, split in two on an error and retried up to 10 times: a retry starts only the deliveries that
 * are missing, because each execution is named after its event and webhook. No on-failure destination: a batch
 * that still fails leaves its events in the outbox, where the pull feed (GET /v1/events) serves them for 30 days.
 */
export class WebhookNotifications extends Construct {
  readonly dispatcher: PreClearanceFunction;
  readonly deliverer: PreClearanceFunction;
  readonly delivery: WebhookDeliveryWorkflow;
  readonly outboxMapping: EventSourceMapping;

  constructor(scope: Construct, id: string, props: WebhookNotificationsProps) {
    super(scope, id);
    const table = props.declarationsTable;
    const streamArn = table.tableStreamArn;
    if (streamArn === undefined) throw new Error(`${this.node.path}: the declarations table has no stream`);

    this.deliverer = new PreClearanceFunction(this, 'DeliverWebhookFn', {
      handler: 'workflow/deliver-webhook',
      description: 'Notifications: deliver one event to one webhook',
      // The receiver has 10 s to answer; the rest is two writes and a cold start.
      timeout: Duration.seconds(20),
    })
      .bindTable(table, [...access.findWebhook, ...access.recordDelivery], ENV.declarationsTable)
      .addEnvironment(ENV.allowLoopbackWebhooks, String(props.allowLoopbackWebhooks));

    this.delivery = new WebhookDeliveryWorkflow(this, 'Delivery', {
      deliverEvent: this.deliverer,
      stateMachineName: props.stateMachineName,
      ...(props.retryInterval === undefined ? {} : { retryInterval: props.retryInterval }),
    });

    this.dispatcher = new PreClearanceFunction(this, 'DispatchNotificationsFn', {
      handler: 'dispatch-notifications',
      description: 'Notifications: start the deliveries of new outbox events',
      // 25 events × up to 10 webhooks, started 8 at a time.
      timeout: Duration.seconds(60),
    })
      .bindTable(table, access.listWebhooks, ENV.declarationsTable)
      .addEnvironment(ENV.deliveryStateMachineArn, this.delivery.stateMachine.stateMachineArn);
    this.delivery.stateMachine.grantStartExecution(this.dispatcher);
    this.dispatcher.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [streamArn] }));

    this.outboxMapping = this.dispatcher.addEventSourceMapping('OutboxStream', {
      eventSourceArn: streamArn,
      // From the oldest record kept: what was written while the mapping was being created is not lost, and a
      // record read twice starts nothing twice.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 25,
      bisectBatchOnError: true,
      retryAttempts: 10,
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(ENTITY.event) } } },
        }),
      ],
    });
  }
}
