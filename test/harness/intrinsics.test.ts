import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CloudAssembly } from '../../infra/local/cloud-assembly.ts';
import { LocalResolver } from '../../infra/local/intrinsics.ts';

/** How the harness reads synthesized templates: every intrinsic CDK emits resolves to a local value. */
const assembly: CloudAssembly = {
  outdir: '/tmp',
  stacks: [
    {
      stackName: 'Data',
      templateFile: '/tmp/Data.template.json',
      template: {
        Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: {} } },
        Outputs: {
          TableExport: { Value: { Ref: 'Table' }, Export: { Name: 'Data:ExportsOutputRefTable' } },
        },
      },
    },
    {
      stackName: 'App',
      templateFile: '/tmp/App.template.json',
      template: {
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
          Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'rail-import' } },
        },
      },
    },
  ],
};
const resolver = new LocalResolver(assembly, 'eu-central-1');

describe('resolving synthesized templates to local values', () => {
  it('gives resources deterministic names and ARNs', () => {
    assert.equal(resolver.resolve('App', { Ref: 'Fn' }), 'App-Fn');
    assert.equal(
      resolver.resolve('App', { 'Fn::GetAtt': ['Fn', 'Arn'] }),
      'arn:aws:lambda:eu-central-1:000000000000:function:App-Fn',
    );
    assert.equal(
      resolver.resolve('App', { Ref: 'Machine' }),
      'arn:aws:states:eu-central-1:000000000000:stateMachine:rail-import',
    );
  });

  it('joins, splits, selects and substitutes as CloudFormation does', () => {
    const definition = { 'Fn::Join': ['', ['{"Resource":"', { 'Fn::GetAtt': ['Fn', 'Arn'] }, '"}']] };
    assert.deepEqual(JSON.parse(String(resolver.resolve('App', definition))), {
      Resource: 'arn:aws:lambda:eu-central-1:000000000000:function:App-Fn',
    });
    assert.equal(resolver.resolve('App', { 'Fn::Select': [1, { 'Fn::Split': [':', 'a:b:c'] }] }), 'b');
    assert.equal(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is CloudFormation's Fn::Sub syntax, not a template literal.
      resolver.resolve('App', { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${Fn}' }),
      'arn:aws:x:eu-central-1:App-Fn',
    );
  });

  it("follows a cross-stack import to the exporting stack's resource", () => {
    assert.equal(resolver.resolve('App', { 'Fn::ImportValue': 'Data:ExportsOutputRefTable' }), 'Data-Table');
  });

  it('refuses what it cannot resolve, naming it', () => {
    assert.throws(() => resolver.resolve('App', { Ref: 'Nowhere' }), /Nowhere/);
    assert.throws(() => resolver.resolve('App', { 'Fn::ImportValue': 'missing' }), /missing/);
    assert.throws(() => resolver.resolve('App', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }), /Fn::Cidr/);
  });
});
