import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PreClearanceFunction } from '../../infra/constructs/pre-clearance-function.ts';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from '../../infra/nag-suppressions.ts';
import { buildPreClearanceApp } from '../../infra/pre-clearance-app.ts';
import { actionsOf, buildApp, type PolicyStatement as CfnStatement, resourcesOf } from './cdk-app.ts';

/** A finding as cdk-nag reports it: the rule (with its finding, for IAM4/IAM5) and the resource's path. */
interface Finding {
  readonly rule: string;
  readonly path: string;
}

/** Runs cdk-nag's AWS Solutions pack over a synthesized app, as `cdk synth` does; acknowledged findings are left out. */
function findingsOf(app: App): Finding[] {
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations
    .flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        rule: violation.ruleName,
        path: resource.constructPath ?? '?',
      })),
    )
    .sort((a, b) => `${a.rule} ${a.path}`.localeCompare(`${b.rule} ${b.path}`));
}

function listed(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.rule} at ${f.path}`).join('\n');
}

/** Every acknowledgement recorded on the app's constructs: the construct's path, the rule and the reason. */
function acknowledgementsOf(app: App): Array<{ path: string; rule: string; reason: string }> {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          rule: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** Every statement of every IAM policy in the app's stacks, with the policy's logical id. */
function policyStatementsOf(app: App): Array<{ policy: string; statement: CfnStatement }> {
  return app.node.children
    .filter(Stack.isStack)
    .flatMap((stack) =>
      resourcesOf<{ PolicyDocument: { Statement: CfnStatement[] } }>(
        Template.fromStack(stack),
        'AWS::IAM::Policy',
      ).flatMap(([policy, { Properties }]) =>
        Properties.PolicyDocument.Statement.map((statement) => ({ policy, statement })),
      ),
    );
}

/** The actions allowed on "*", policy by policy. */
function actionsOnEveryResource(app: App): Array<{ policy: string; actions: readonly string[] }> {
  return policyStatementsOf(app)
    .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Resource].flat().includes('*'))
    .map(({ policy, statement }) => ({ policy, actions: actionsOf(statement) }));
}

const STAGES = ['test', 'prod'] as const;
const ALLOWED_ON_EVERY_RESOURCE = new Set<string>(Object.values(ACTIONS_WITHOUT_RESOURCE_SCOPE).flat());

describe('security checks: cdk-nag AWS Solutions', () => {
  for (const stage of STAGES) {
    it(`finds nothing that was not reviewed in the ${stage} app (a sandbox and a long-lived stage differ)`, () => {
      const findings = findingsOf(buildApp({ stage }).app);
      assert.equal(
        findings.length,
        0,
        `fix these, or acknowledge them with a specific reason in infra/nag-suppressions.ts:\n${listed(findings)}`,
      );
    });
  }

  it('names a new finding by rule and resource: a table without point-in-time recovery', () => {
    const { app, stateless } = buildApp({ stage: 'test' });
    new Table(stateless, 'UnreviewedTable', { partitionKey: { name: 'k', type: AttributeType.STRING } });
    assert.deepEqual(findingsOf(app), [{ rule: 'AwsSolutions-DDB3', path: 'Stateless/UnreviewedTable/Resource' }]);
  });

  it('stops the CLI synthesis on a finding nobody reviewed, and writes it to the validation report', (t) => {
    t.mock.method(console, 'error', () => {}); // CDK prints the report too; the file is what is checked
    const { app, stateless } = buildPreClearanceApp(
      { builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], stage: 'test' } },
      { enforceSecurityChecks: true },
    );
    new Table(stateless, 'UnreviewedTable', { partitionKey: { name: 'k', type: AttributeType.STRING } });
    let reportPath = '';
    assert.throws(
      () => app.synth(),
      (error: Error) => {
        reportPath = /found in: (\S+\.json)/.exec(error.message)?.[1] ?? '';
        return /Validation failed/.test(error.message);
      },
    );
    const report = readFileSync(reportPath, 'utf8');
    assert.match(report, /AwsSolutions-DDB3/);
    assert.match(report, /Stateless\/UnreviewedTable\/Resource/);
  });

  for (const stage of STAGES) {
    it(`acknowledges only findings that occur without it, each with a written reason (${stage})`, () => {
      const bare = findingsOf(
        buildPreClearanceApp(
          { builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], stage } },
          { acknowledgeReviewedFindings: false },
        ).app,
      );
      const acknowledgements = acknowledgementsOf(buildApp({ stage }).app);
      assert.ok(acknowledgements.length > 0);
      for (const { path, rule, reason } of acknowledgements) {
        assert.ok(
          bare.some((finding) => finding.rule === rule && `${finding.path}/`.startsWith(`${path}/`)),
          `${rule} at ${path} is acknowledged but no longer found: remove it from infra/nag-suppressions.ts`,
        );
        assert.ok(reason.length >= 80, `${rule} at ${path}: the reason is too thin to review ("${reason}")`);
      }
    });
  }
});

describe('security checks: nothing is granted on every resource but what AWS cannot scope', () => {
  for (const stage of STAGES) {
    it(`every statement on "*" holds only X-Ray and Step Functions log-delivery actions (${stage})`, () => {
      const offending = actionsOnEveryResource(buildApp({ stage }).app).filter(({ actions }) =>
        actions.some((action) => !ALLOWED_ON_EVERY_RESOURCE.has(action)),
      );
      assert.deepEqual(offending, []);
    });
  }

  it('notices a grant on "*" hidden in a policy whose X-Ray wildcard is acknowledged', () => {
    const { app, stateless } = buildApp({ stage: 'test' });
    const fn = stateless.node.findAll().find((c) => c instanceof PreClearanceFunction);
    assert.ok(fn instanceof PreClearanceFunction);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Scan'], resources: ['*'] }));
    const offending = actionsOnEveryResource(app).flatMap(({ actions }) =>
      actions.filter((action) => !ALLOWED_ON_EVERY_RESOURCE.has(action)),
    );
    assert.deepEqual(offending, ['dynamodb:Scan']);
  });

  for (const stage of STAGES) {
    it(`no statement uses a wildcard in an action name (${stage})`, () => {
      for (const { policy, statement } of policyStatementsOf(buildApp({ stage }).app)) {
        for (const action of actionsOf(statement)) assert.ok(!action.includes('*'), `${policy}: ${action}`);
      }
    });
  }
});
