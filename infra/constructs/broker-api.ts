import {
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LambdaIntegration,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PROBLEM_TYPES, type ProblemType, problemTypeUri } from '#shared/problem.ts';

export interface BrokerApiProps {
  readonly stage: string;
  readonly userPool: IUserPool;
  readonly routes: {
    readonly submitDeclaration: IFunction;
    readonly getDeclaration: IFunction;
    readonly postPortEvent: IFunction;
  };
}

/**
 * The REST API brokers' and port systems call. Every method needs a Cognito id token; which group may
 * call which route is decided in the handler, where the rule is tested.
 */
export class BrokerApi extends Construct {
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: BrokerApiProps) {
    super(scope, id);
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `preclearance-${props.stage}`,
      description: 'Customs pre-clearance: advance declarations and port events',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stage,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
      },
      defaultMethodOptions: { authorizer, authorizationType: AuthorizationType.COGNITO },
    });

    for (const [type, problem] of GATEWAY_PROBLEMS) this.answerWithProblem(type, problem);

    const v1 = this.restApi.root.addResource('v1');
    const declarations = v1.addResource('declarations');
    declarations.addMethod('POST', new LambdaIntegration(props.routes.submitDeclaration));
    declarations.addResource('{id}').addMethod('GET', new LambdaIntegration(props.routes.getDeclaration));
    v1.addResource('port-events').addMethod('POST', new LambdaIntegration(props.routes.postPortEvent));
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
}

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
