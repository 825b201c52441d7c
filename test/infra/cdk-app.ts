/**
 * Shared helpers for the CDK assertion tests: build the real app (without esbuild bundling) and read
 * the parts of a synthesized template that are awkward to reach with `Match` alone — the state
 * machine's ASL, API routes as paths, and the IAM statements that reach a function's role.
 */
import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPreClearanceApp } from '../../infra/pre-clearance-app.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/**
 * The app exactly as `cdk synth` builds it (cdk.json's context), with `stage: 'test'` unless overridden.
 * An empty bundling-stacks list skips esbuild: Lambda code is staged as-is, which is all a template test needs.
 * CDK's built-in CloudFormation validation is left to `cdk synth` (npm run build): its WASM engine would
 * add ~2 s to every test file.
 */
export function buildApp(context: Record<string, unknown> = {}) {
  return buildPreClearanceApp({
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], stage: 'test', ...context },
  });
}

/** Builds the app and synthesizes both stacks once (Template.fromStack reuses the app's first synthesis). */
export function synthApp(context: Record<string, unknown> = {}) {
  const built = buildApp(context);
  return {
    ...built,
    statefulTemplate: Template.fromStack(built.stateful),
    statelessTemplate: Template.fromStack(built.stateless),
  };
}

// ── Template shapes (only the fields the tests read) ───────────────────────────────────────────────

export interface Ref {
  readonly Ref: string;
}
export interface GetAtt {
  readonly 'Fn::GetAtt': readonly [string, string];
}
export interface CfnResource<P> {
  readonly Type: string;
  readonly Properties: P;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** `[logicalId, resource]` for every resource of a type, with its properties typed as the caller expects. */
export function resourcesOf<P>(template: Template, type: string): Array<[string, CfnResource<P>]> {
  return Object.entries(template.findResources(type)) as Array<[string, CfnResource<P>]>;
}

/** The one resource of a type; fails loudly if there are none or several. */
export function onlyResourceOf<P>(template: Template, type: string): [string, CfnResource<P>] {
  const found = resourcesOf<P>(template, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0] as [string, CfnResource<P>];
}

export function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Ref).Ref === 'string';
}
export function isGetAtt(value: unknown): value is GetAtt {
  return typeof value === 'object' && value !== null && Array.isArray((value as GetAtt)['Fn::GetAtt']);
}

// ── Step Functions ─────────────────────────────────────────────────────────────────────────────────

export interface AslCatcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}
export interface AslRetrier {
  readonly ErrorEquals: readonly string[];
  readonly MaxAttempts?: number;
}
export interface AslState {
  readonly Type: string;
  readonly QueryLanguage?: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Parameters?: Record<string, unknown>;
  readonly Retry?: readonly AslRetrier[];
  readonly Catch?: readonly AslCatcher[];
  readonly Next?: string;
  readonly End?: boolean;
}
export interface AslDefinition {
  readonly StartAt: string;
  readonly QueryLanguage?: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, AslState>;
}

export interface StateMachineProps {
  readonly StateMachineName?: string;
  readonly StateMachineType?: string;
  readonly DefinitionString: string | { readonly 'Fn::Join': readonly [string, readonly unknown[]] };
  readonly LoggingConfiguration?: {
    readonly Level?: string;
    readonly IncludeExecutionData?: boolean;
    readonly Destinations?: ReadonlyArray<{ readonly CloudWatchLogsLogGroup?: { readonly LogGroupArn?: unknown } }>;
  };
  readonly TracingConfiguration?: { readonly Enabled?: boolean };
}

/**
 * The state machine's ASL as JSON. CDK renders the definition as an `Fn::Join` of string fragments and
 * tokens (function ARNs, the partition): each token becomes the placeholder `<TOKEN:n>`, and `tokens[n]`
 * holds the CloudFormation expression it stood for.
 */
export function parseDefinition(definition: StateMachineProps['DefinitionString']): {
  asl: AslDefinition;
  tokens: unknown[];
} {
  if (typeof definition === 'string') return { asl: JSON.parse(definition) as AslDefinition, tokens: [] };
  const [delimiter, parts] = definition['Fn::Join'];
  const tokens: unknown[] = [];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      tokens.push(part);
      return `<TOKEN:${tokens.length - 1}>`;
    })
    .join(delimiter);
  return { asl: JSON.parse(text) as AslDefinition, tokens };
}

/** The expression behind a `<TOKEN:n>` placeholder (undefined when the value is not a placeholder). */
export function tokenBehind(placeholder: unknown, tokens: readonly unknown[]): unknown {
  const match = typeof placeholder === 'string' ? /^<TOKEN:(\d+)>$/.exec(placeholder) : null;
  return match === null ? undefined : tokens[Number(match[1])];
}

// ── API Gateway ────────────────────────────────────────────────────────────────────────────────────

interface ApiResourceProps {
  readonly PathPart: string;
  readonly ParentId: Ref | GetAtt;
}
export interface ApiMethodProps {
  readonly HttpMethod: string;
  readonly ResourceId: Ref | GetAtt;
  readonly AuthorizationType?: string;
  readonly AuthorizerId?: unknown;
  readonly Integration?: {
    readonly Type?: string;
    readonly Uri?: { readonly 'Fn::Join': readonly [string, readonly unknown[]] };
  };
}

/**
 * Every API method keyed by route, e.g. "GET /v1/declarations/{id}". Paths are rebuilt from each
 * resource's PathPart and ParentId chain, so the tests never depend on generated logical ids.
 */
export function apiRoutes(template: Template): Map<string, ApiMethodProps> {
  const resources = new Map(resourcesOf<ApiResourceProps>(template, 'AWS::ApiGateway::Resource'));
  const pathOf = (id: Ref | GetAtt): string => {
    if (isGetAtt(id)) return ''; // { Fn::GetAtt: [RestApi, RootResourceId] }: the root
    const resource = resources.get(id.Ref);
    if (resource === undefined) throw new Error(`API resource ${id.Ref} is not in the template`);
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const routes = new Map<string, ApiMethodProps>();
  for (const [, method] of resourcesOf<ApiMethodProps>(template, 'AWS::ApiGateway::Method')) {
    routes.set(`${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId) || '/'}`, method.Properties);
  }
  return routes;
}

/** Logical id of the Lambda function a route's proxy integration invokes. */
export function functionBehindRoute(template: Template, route: string): string {
  const method = apiRoutes(template).get(route);
  if (method === undefined) throw new Error(`no API method for ${route}`);
  const target = method.Integration?.Uri?.['Fn::Join'][1].find(isGetAtt);
  if (target === undefined) throw new Error(`${route} does not integrate with a Lambda function of this stack`);
  return target['Fn::GetAtt'][0];
}

/** Logical id of the Lambda function a Task state of the (only) state machine invokes. */
export function functionBehindState(template: Template, stateName: string): string {
  // Every workflow is built from the same step functions: the first machine with the state answers.
  for (const [, machine] of resourcesOf<StateMachineProps>(template, 'AWS::StepFunctions::StateMachine')) {
    const { asl, tokens } = parseDefinition(machine.Properties.DefinitionString);
    const state = asl.States[stateName];
    if (state === undefined) continue;
    // payloadResponseOnly: the function is the Resource; otherwise it is Parameters.FunctionName.
    const target = tokenBehind(state.Parameters?.FunctionName ?? state.Resource, tokens);
    if (!isGetAtt(target)) throw new Error(`${stateName} does not invoke a Lambda function of this stack`);
    return target['Fn::GetAtt'][0];
  }
  throw new Error(`no workflow has a state ${stateName}`);
}

// ── IAM ────────────────────────────────────────────────────────────────────────────────────────────

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
}
interface PolicyProps {
  readonly Roles?: readonly unknown[];
  readonly PolicyDocument: { readonly Statement: readonly PolicyStatement[] };
}
interface FunctionRoleProps {
  readonly Role: GetAtt;
}

/** Every statement of every AWS::IAM::Policy attached to the execution role of a function. */
export function statementsForFunction(template: Template, functionLogicalId: string): PolicyStatement[] {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId] as
    | CfnResource<FunctionRoleProps>
    | undefined;
  if (fn === undefined) throw new Error(`no Lambda function ${functionLogicalId}`);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return resourcesOf<PolicyProps>(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles ?? []).some((role) => isRef(role) && role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
}

export function actionsOf(statement: PolicyStatement): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

/** The allowed actions of a function's role, each with the resources it is allowed on. */
export function allowedActions(template: Template, functionLogicalId: string): Map<string, unknown[]> {
  const allowed = new Map<string, unknown[]>();
  for (const statement of statementsForFunction(template, functionLogicalId)) {
    if (statement.Effect !== 'Allow') continue;
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of actionsOf(statement)) allowed.set(action, [...(allowed.get(action) ?? []), ...resources]);
  }
  return allowed;
}
