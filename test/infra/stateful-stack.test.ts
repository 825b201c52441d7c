import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { buildApp, type CfnResource, onlyResourceOf, resourcesOf, synthApp } from './cdk-app.ts';

interface TableProps {
  readonly KeySchema: ReadonlyArray<{ readonly AttributeName: string; readonly KeyType: string }>;
  readonly AttributeDefinitions: ReadonlyArray<{ readonly AttributeName: string; readonly AttributeType: string }>;
  readonly DeletionProtectionEnabled?: boolean;
}

/** The table whose partition key is `partitionKey`; tables are found by their key, not by logical id. */
function tableKeyedOn(template: Template, partitionKey: string): CfnResource<TableProps> {
  const tables = resourcesOf<TableProps>(template, 'AWS::DynamoDB::Table').filter(([, table]) =>
    table.Properties.KeySchema.some((key) => key.KeyType === 'HASH' && key.AttributeName === partitionKey),
  );
  assert.equal(tables.length, 1, `expected exactly one table with partition key ${partitionKey}`);
  return (tables[0] as [string, CfnResource<TableProps>])[1];
}

const sandbox = synthApp({ stage: 'test' }).statefulTemplate;
const prod = synthApp({ stage: 'prod' }).statefulTemplate;

describe('stateful stack: the declarations table', () => {
  it('is keyed on string PK and SK', () => {
    sandbox.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ]),
    });
  });

  it('bills on demand, keeps point-in-time recovery, is encrypted at rest and expires items on expiresAt', () => {
    sandbox.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("lists a broker's declarations through GSI1 (GSI1PK / GSI1SK, both strings)", () => {
    sandbox.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: Match.arrayWith([{ AttributeName: 'PK', KeyType: 'HASH' }]),
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'GSI1PK', AttributeType: 'S' },
        { AttributeName: 'GSI1SK', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
  });

  it('shows the port’s board through GSI3, keyed on what every head carries (entity / updatedAt, strings)', () => {
    const table = tableKeyedOn(sandbox, 'PK') as unknown as {
      Properties: {
        GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string } }[];
        AttributeDefinitions: unknown[];
      };
    };
    const board = table.Properties.GlobalSecondaryIndexes.find((index) => index.IndexName === 'GSI3');
    assert.deepEqual(board?.KeySchema, [
      { AttributeName: 'entity', KeyType: 'HASH' },
      { AttributeName: 'updatedAt', KeyType: 'RANGE' },
    ]);
    // What a board shows of a head, not the idempotency key or a workflow's resume state.
    assert.equal(board?.Projection.ProjectionType, 'INCLUDE');
    for (const name of ['entity', 'updatedAt']) {
      assert.ok(
        table.Properties.AttributeDefinitions.some(
          (definition) => JSON.stringify(definition) === JSON.stringify({ AttributeName: name, AttributeType: 'S' }),
        ),
        name,
      );
    }
  });

  it('queues officers’ tasks through GSI2 (GSI2PK / GSI2SK, both strings), and has no index beyond the three', () => {
    const table = tableKeyedOn(sandbox, 'PK') as unknown as {
      Properties: {
        GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown }[];
        AttributeDefinitions: unknown[];
      };
    };
    assert.deepEqual(table.Properties.GlobalSecondaryIndexes.map((index) => index.IndexName).sort(), [
      'GSI1',
      'GSI2',
      'GSI3',
    ]);
    assert.deepEqual(table.Properties.GlobalSecondaryIndexes.find((index) => index.IndexName === 'GSI2')?.KeySchema, [
      { AttributeName: 'GSI2PK', KeyType: 'HASH' },
      { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
    ]);
    for (const name of ['GSI2PK', 'GSI2SK']) {
      assert.ok(
        table.Properties.AttributeDefinitions.some(
          (definition) => JSON.stringify(definition) === JSON.stringify({ AttributeName: name, AttributeType: 'S' }),
        ),
        name,
      );
    }
  });
});

describe('stateful stack: the idempotency table', () => {
  it('keeps the idempotency records under a string key `id`, TTL on `expiration`', () => {
    const table = tableKeyedOn(sandbox, 'id');
    assert.deepEqual(table.Properties.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
    assert.deepEqual(table.Properties.AttributeDefinitions, [{ AttributeName: 'id', AttributeType: 'S' }]);
    sandbox.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });
});

describe('stateful stack: what happens to the data when the stack goes', () => {
  it('a sandbox stage throws its tables away with the stack and does not protect them', () => {
    for (const key of ['PK', 'id']) {
      const table = tableKeyedOn(sandbox, key);
      assert.equal(table.DeletionPolicy, 'Delete', `table keyed on ${key}`);
      assert.equal(table.UpdateReplacePolicy, 'Delete', `table keyed on ${key}`);
      assert.notEqual(table.Properties.DeletionProtectionEnabled, true, `table keyed on ${key}`);
    }
  });

  it('prod retains both tables and turns deletion protection on', () => {
    for (const key of ['PK', 'id']) {
      const table = tableKeyedOn(prod, key);
      assert.equal(table.DeletionPolicy, 'Retain', `table keyed on ${key}`);
      assert.equal(table.UpdateReplacePolicy, 'Retain', `table keyed on ${key}`);
      assert.equal(table.Properties.DeletionProtectionEnabled, true, `table keyed on ${key}`);
    }
  });

  it('prod retains the user pool and protects it from deletion; a sandbox does neither', () => {
    prod.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
    sandbox.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
    });
  });
});

describe('stateful stack: the user pool', () => {
  it('has a single user pool in which users cannot sign themselves up', () => {
    sandbox.resourceCountIs('AWS::Cognito::UserPool', 1);
    sandbox.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('asks for 12-character passwords with lower and upper case, digits and symbols', () => {
    sandbox.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('lets only an administrator recover an account (no e-mail or SMS reset of a system credential)', () => {
    sandbox.hasResourceProperties('AWS::Cognito::UserPool', {
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'admin_only', Priority: 1 }] },
    });
  });

  it('prod runs on the Plus plan with threat protection enforced; a sandbox stays on Essentials', () => {
    prod.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    sandbox.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      UserPoolAddOns: Match.absent(),
    });
  });

  it('carries the broker a user acts for in an immutable custom attribute brokerId', () => {
    sandbox.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'brokerId', AttributeDataType: 'String', Mutable: false })]),
    });
  });

  it("has the groups 'broker' and 'port-operator' in that pool", () => {
    const [poolId] = onlyResourceOf(sandbox, 'AWS::Cognito::UserPool');
    for (const groupName of ['broker', 'port-operator']) {
      sandbox.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
        GroupName: groupName,
        UserPoolId: { Ref: poolId },
      });
    }
  });
});

describe("stateful stack: the brokers' app client", () => {
  it('can read the brokerId tenancy attribute but never write it, and offers no hosted-UI OAuth flows', () => {
    const [[, client] = ['', undefined]] = resourcesOf<{
      ReadAttributes: string[];
      WriteAttributes: string[];
      ExplicitAuthFlows: string[];
      AllowedOAuthFlowsUserPoolClient?: boolean;
    }>(sandbox, 'AWS::Cognito::UserPoolClient');
    assert.ok(client);
    assert.ok(client.Properties.ReadAttributes.includes('custom:brokerId'));
    assert.ok(!client.Properties.WriteAttributes.includes('custom:brokerId'));
    assert.ok(client.Properties.ExplicitAuthFlows.includes('ALLOW_USER_SRP_AUTH'));
    assert.notEqual(client.Properties.AllowedOAuthFlowsUserPoolClient, true);
  });
});

describe('the app as a whole', () => {
  it("names both stacks after the stage, so sandboxes can share an account: 'alice'", () => {
    const { stateful, stateless } = buildApp({ stage: 'alice' });
    assert.equal(stateful.stackName, 'PreClearance-alice-Stateful');
    assert.equal(stateless.stackName, 'PreClearance-alice-Stateless');
  });

  it('refuses a stage name that cannot be part of a stack name, saying why', () => {
    assert.throws(() => buildApp({ stage: 'Bad Stage' }), {
      message: /context "stage" must be lower-case letters, digits and dashes.*got "Bad Stage"/,
    });
  });
});
