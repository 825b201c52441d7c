import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROBLEM_TYPES, type ProblemType, problemTypeUri } from '#shared/problem.ts';
import type { RouteDefinition } from '#shared/routes.ts';

export interface BrokerApiProps {
  readonly stage: string;
  readonly userPool: IUserPool;
  /** The route registry, and the function that answers each of its operations. */
  readonly routes: readonly RouteDefinition[];
  readonly functions: Readonly<Record<string, IFunction>>;
}

/**
 * The REST API brokers', railway and port systems call, built from the route registry: one method per
 * route. Every method but the public ones needs a Cognito id token; which group may call which route is
 * decided in the handler's middy stack, from the same registry entry.
 */
export class BrokerApi extends Construct {
  readonly restApi: RestApi;
  /** One JSON line per request: who called what, and how it ended; never a body or a token. */
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: BrokerApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `preclearance-${props.stage}`,
      description: 'Customs pre-clearance: advance declarations, port events and notifications',
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes a REST API's logs (access and execution alike) through one CloudWatch role per
      // account and region, an account setting rather than part of any stage. A stack that owned it would
      // overwrite the setting of every other sandbox in the account, so the account's administrator sets it
      // once (README, "Deploy"). Execution logs stay off: access logs below already carry the error and
      // integration error of each request, without the payload fragments execution logs may contain.
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stage,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
      },
    });

    for (const [type, problem] of GATEWAY_PROBLEMS) this.answerWithProblem(type, problem);

    for (const route of props.routes) {
      const fn = props.functions[route.operationId];
      if (fn === undefined) throw new Error(`no function answers ${route.operationId}`);
      this.resourceAt(route.path).addMethod(
        route.method,
        proxyTo(fn),
        route.roles === 'public'
          ? { authorizationType: AuthorizationType.NONE, operationName: route.operationId }
          : { authorizer, authorizationType: AuthorizationType.COGNITO, operationName: route.operationId },
      );
    }
  }

  /**
   * API Gateway's own answer of one type as problem+json, like the functions' answers. `status` is written only
   * where the type fixes it: DEFAULT_4XX and DEFAULT_5XX keep the status of whatever failed.
   */
  private answerWithProblem(type: ResponseType, problem: ProblemType): void {
    const isDefault = type === ResponseType.DEFAULT_4XX || type === ResponseType.DEFAULT_5XX;
    const { status, title } = PROBLEM_TYPES[problem];
    const document = {
      type: problemTypeUri(problem),
      title,
      ...(isDefault ? {} : { status }),
      detail: '$context.error.message',
    };
    this.restApi.addGatewayResponse(`${type.responseType}Response`, {
      type,
      ...(isDefault ? {} : { statusCode: String(status) }),
      responseHeaders: { 'Content-Type': "'application/problem+json'" },
      templates: { 'application/json': JSON.stringify(document) },
    });
  }

  private resourceAt(path: string): IResource {
    return path
      .split('/')
      .filter((part) => part !== '')
      .reduce<IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), this.restApi.root);
  }
}

/**
 * A Lambda proxy integration that only the deployed stage may invoke. Without `allowTestInvoke: false`, the
 * console's "Test" button (any principal allowed apigateway:TestInvokeMethod) reaches the function with no
 * token at all, past the Cognito authorizer.
 */
function proxyTo(fn: IFunction): LambdaIntegration {
  return new LambdaIntegration(fn, { allowTestInvoke: false });
}

/**
 * The access log line. The caller is the token's `sub` (Cognito), never a name or an e-mail address; every
 * value is quoted, because API Gateway writes "-" for a value it does not have and a bare "-" is not JSON.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    extendedRequestId: AccessLogField.contextExtendedRequestId(),
    requestTime: AccessLogField.contextRequestTime(),
    ip: AccessLogField.contextIdentitySourceIp(),
    userAgent: AccessLogField.contextIdentityUserAgent(),
    caller: AccessLogField.contextIdentityCaller(),
    user: AccessLogField.contextIdentityUser(),
    sub: AccessLogField.contextAuthorizerClaims('sub'),
    httpMethod: AccessLogField.contextHttpMethod(),
    resourcePath: AccessLogField.contextResourcePath(),
    protocol: AccessLogField.contextProtocol(),
    status: AccessLogField.contextStatus(),
    responseLength: AccessLogField.contextResponseLength(),
    responseLatencyMs: AccessLogField.contextResponseLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
    integrationError: AccessLogField.contextIntegrationErrorMessage(),
    errorMessage: AccessLogField.contextErrorMessage(),
    errorResponseType: AccessLogField.contextErrorResponseType(),
    xrayTraceId: AccessLogField.contextXrayTraceId(),
  }),
);

/** Which problem type each of API Gateway's own answers is; any type not listed inherits DEFAULT_4XX/5XX. */
const GATEWAY_PROBLEMS: readonly (readonly [ResponseType, ProblemType])[] = [
  [ResponseType.UNAUTHORIZED, 'unauthorized'],
  [ResponseType.ACCESS_DENIED, 'forbidden'],
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, 'unknown-route'],
  [ResponseType.BAD_REQUEST_BODY, 'bad-request'],
  [ResponseType.BAD_REQUEST_PARAMETERS, 'bad-request'],
  [ResponseType.REQUEST_TOO_LARGE, 'payload-too-large'],
  [ResponseType.THROTTLED, 'throttled'],
  [ResponseType.DEFAULT_4XX, 'request-refused'],
  [ResponseType.DEFAULT_5XX, 'internal-error'],
];
