import type { CfnResource, CloudAssembly } from './cloud-assembly.ts';

/**
 * Resolves CloudFormation intrinsic functions in synthesized templates to the values they would have
 * locally: every resource gets a deterministic local physical id and ARN, so the state machine
 * definitions, environment variables and routes can be read as plain values.
 */
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly resource: CfnResource;
  /** What `Ref` answers. */
  readonly ref: string;
  /** What `Fn::GetAtt` answers, by attribute. */
  readonly attributes: Record<string, string>;
}

export class LocalResolver {
  readonly region: string;
  private readonly byStack = new Map<string, Map<string, LocalResource>>();
  private readonly exports = new Map<string, { stackName: string; value: unknown }>();

  constructor(assembly: CloudAssembly, region: string) {
    this.region = region;
    for (const { stackName, template } of assembly.stacks) {
      const resources = new Map<string, LocalResource>();
      for (const [logicalId, resource] of Object.entries(template.Resources)) {
        resources.set(logicalId, this.localIdentity(stackName, logicalId, resource));
      }
      this.byStack.set(stackName, resources);
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export !== undefined) {
          this.exports.set(String(this.resolve(stackName, output.Export.Name)), { stackName, value: output.Value });
        }
      }
    }
  }

  resources(type: string): LocalResource[] {
    return [...this.byStack.values()].flatMap((resources) =>
      [...resources.values()].filter((r) => r.resource.Type === type),
    );
  }

  resource(stackName: string, logicalId: string): LocalResource {
    const found = this.byStack.get(stackName)?.get(logicalId);
    if (found === undefined) throw new Error(`no resource ${logicalId} in stack ${stackName}`);
    return found;
  }

  /** Resolves every intrinsic in a value taken from the given stack's template. */
  resolve(stackName: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stackName, item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(stackName, first[0], first[1]);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(stackName, v)]));
  }

  private intrinsic(stackName: string, name: string, argument: unknown): unknown {
    const resolved = (v: unknown) => this.resolve(stackName, v);
    switch (name) {
      case 'Ref':
        return this.ref(stackName, String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = argument as [string, string];
        const target = this.resource(stackName, logicalId);
        const value = target.attributes[attribute];
        if (value === undefined) throw new Error(`no local value for ${logicalId}.${attribute}`);
        return value;
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolved(parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (resolved(list) as unknown[])[Number(resolved(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return String(resolved(source)).split(separator);
      }
      case 'Fn::Sub': {
        const [template, variables] = (typeof argument === 'string' ? [argument, {}] : argument) as [
          string,
          Record<string, unknown>,
        ];
        return template.replace(/\$\{([^}!]+)\}/g, (_, expression: string) => {
          if (expression in variables) return String(resolved(variables[expression]));
          const [logicalId, attribute] = expression.split('.');
          return String(
            attribute === undefined
              ? this.ref(stackName, String(logicalId))
              : this.intrinsic(stackName, 'Fn::GetAtt', [logicalId, attribute]),
          );
        });
      }
      case 'Fn::ImportValue': {
        const exportName = String(resolved(argument));
        const found = this.exports.get(exportName);
        if (found === undefined) throw new Error(`no stack exports ${exportName}`);
        return this.resolve(found.stackName, found.value);
      }
      default:
        throw new Error(`the local harness cannot resolve ${name}`);
    }
  }

  private ref(stackName: string, logicalId: string): string {
    switch (logicalId) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName;
      default:
        return this.resource(stackName, logicalId).ref;
    }
  }

  /** Local physical ids: the names CloudFormation would generate, made deterministic. */
  private localIdentity(stackName: string, logicalId: string, resource: CfnResource): LocalResource {
    const props = resource.Properties ?? {};
    const generatedName = `${stackName}-${logicalId}`;
    const arn = (service: string, path: string) => `arn:aws:${service}:${this.region}:${LOCAL_ACCOUNT}:${path}`;
    const identity = (ref: string, attributes: Record<string, string> = {}) => ({
      stackName,
      logicalId,
      resource,
      ref,
      attributes,
    });
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table': {
        const name = typeof props.TableName === 'string' ? props.TableName : generatedName;
        // The stream's real ARN carries the time DynamoDB Local created it; the event source mappings ask for it.
        return identity(name, {
          Arn: arn('dynamodb', `table/${name}`),
          StreamArn: arn('dynamodb', `table/${name}/stream/local`),
        });
      }
      case 'AWS::Lambda::Function': {
        const name = typeof props.FunctionName === 'string' ? props.FunctionName : generatedName;
        return identity(name, { Arn: arn('lambda', `function:${name}`) });
      }
      case 'AWS::StepFunctions::StateMachine': {
        const name = typeof props.StateMachineName === 'string' ? props.StateMachineName : generatedName;
        const stateMachineArn = arn('states', `stateMachine:${name}`);
        return identity(stateMachineArn, { Arn: stateMachineArn, Name: name });
      }
      case 'AWS::Cognito::UserPool': {
        const id = `${this.region}_local${logicalId.slice(0, 8)}`;
        return identity(id, {
          Arn: arn('cognito-idp', `userpool/${id}`),
          ProviderName: `cognito-idp.${this.region}.amazonaws.com/${id}`,
        });
      }
      case 'AWS::ApiGateway::RestApi':
        return identity(`local-${logicalId}`.toLowerCase(), { RootResourceId: `${logicalId}-root` });
      case 'AWS::IAM::Role':
        return identity(generatedName, { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${generatedName}` });
      case 'AWS::Logs::LogGroup':
        return identity(generatedName, { Arn: arn('logs', `log-group:${generatedName}:*`) });
      default:
        return identity(logicalId);
    }
  }
}
