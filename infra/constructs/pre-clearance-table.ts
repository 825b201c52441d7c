import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type StreamViewType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

export interface PreClearanceTableProps {
  readonly partitionKey: TableProps['partitionKey'];
  readonly sortKey?: TableProps['sortKey'];
  readonly timeToLiveAttribute?: string;
  /** A change stream, for a consumer such as the notifications dispatcher. */
  readonly stream?: StreamViewType;
  /** Sandboxes throw their data away with the stack; every other stage keeps it. */
  readonly isSandbox: boolean;
}

/** The team's table defaults: on-demand, point-in-time recovery, KMS encryption, retained outside sandboxes. */
export class PreClearanceTable extends Table {
  constructor(scope: Construct, id: string, props: PreClearanceTableProps) {
    super(scope, id, {
      partitionKey: props.partitionKey,
      ...(props.sortKey === undefined ? {} : { sortKey: props.sortKey }),
      ...(props.timeToLiveAttribute === undefined ? {} : { timeToLiveAttribute: props.timeToLiveAttribute }),
      ...(props.stream === undefined ? {} : { stream: props.stream }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: !props.isSandbox,
      removalPolicy: props.isSandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}

export const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
