import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { type ITable, ProjectionType, StreamViewType } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BOARD_INDEX, KEYS } from '#adapters/table-layout.ts';
import { ROLES } from '#domain/roles.ts';
import type { StageSettings } from '../config.ts';
import { PreClearanceTable, stringKey } from '../constructs/pre-clearance-table.ts';

export interface StatefulStackProps extends StackProps {
  readonly settings: StageSettings;
}

/**
 * What must survive a redeploy: the declarations, the idempotency records and the user pool.
 * The stateless stack can be destroyed and rebuilt in a sandbox without touching any of it.
 */
export class StatefulStack extends Stack {
  readonly declarationsTable: ITable;
  readonly idempotencyTable: ITable;
  readonly userPool: UserPool;
  readonly brokerSystemsClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { isSandbox } = props.settings;

    // Single table; its key layout is documented in functions/adapters/declaration-repository.ts and README.
    const declarations = new PreClearanceTable(this, 'DeclarationsTable', {
      partitionKey: stringKey('PK'),
      sortKey: stringKey('SK'),
      timeToLiveAttribute: 'expiresAt',
      // The outbox's way out: the notifications dispatcher reads new outbox items from it (new images only).
      stream: StreamViewType.NEW_IMAGE,
      isSandbox,
    });
    // A broker's declarations in filing order: the list route of the complete broker API reads this.
    declarations.addGlobalSecondaryIndex({
      indexName: KEYS.brokerIndex.name,
      partitionKey: stringKey('GSI1PK'),
      sortKey: stringKey('GSI1SK'),
    });
    // The officers' queues, the earliest deadline first: only open tasks carry these keys (a sparse index).
    declarations.addGlobalSecondaryIndex({
      indexName: KEYS.queueIndex.name,
      partitionKey: stringKey('GSI2PK'),
      sortKey: stringKey('GSI2SK'),
    });
    // The port's board: every declaration head, the latest change first, keyed on attributes every head has.
    declarations.addGlobalSecondaryIndex({
      indexName: BOARD_INDEX.name,
      partitionKey: stringKey(BOARD_INDEX.partitionAttribute),
      sortKey: stringKey(BOARD_INDEX.sortAttribute),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...BOARD_INDEX.projected],
    });
    this.declarationsTable = declarations;

    // The idempotency records (functions/shared/idempotency.ts): `id` key, `expiration` as TTL.
    this.idempotencyTable = new PreClearanceTable(this, 'IdempotencyTable', {
      partitionKey: stringKey('id'),
      timeToLiveAttribute: 'expiration',
      isSandbox,
    });

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      // The broker a user acts for; set by an administrator, never by the user (the client cannot write it).
      customAttributes: { brokerId: new StringAttribute({ mutable: false, minLen: 1, maxLen: 64 }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      // A system's credential is reset by the administrator who issued it, not by whoever reads its mailbox.
      accountRecovery: AccountRecovery.NONE,
      // Long-lived stages pay for threat protection: sign-ins with leaked credentials or high risk are blocked.
      // Sandboxes hold test identities only (reason in infra/nag-suppressions.ts).
      featurePlan: isSandbox ? FeaturePlan.ESSENTIALS : FeaturePlan.PLUS,
      ...(isSandbox ? {} : { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }),
      removalPolicy: isSandbox ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      deletionProtection: !isSandbox,
    });
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role });
    }
    // Brokers' systems sign in with SRP; the admin flow (IAM-authorised) lets a sandbox user get a token
    // from the AWS CLI. No hosted UI or OAuth flows: API clients only.
    this.brokerSystemsClient = this.userPool.addClient('BrokerSystems', {
      authFlows: { userSrp: true, adminUserPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      // Tenancy is an administrator's decision: the client may read brokerId but never write it.
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true }).withCustomAttributes('brokerId'),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'BrokerSystemsClientId', { value: this.brokerSystemsClient.userPoolClientId });
    new CfnOutput(this, 'DeclarationsTableName', { value: declarations.tableName });
  }
}
