import {
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IResource,
  LambdaIntegration,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
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

  constructor(scope: Construct, id: string, props: BrokerApiProps) {
    super(scope, id);
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.userPool] });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `preclearance-${props.stage}`,
      description: 'Customs pre-clearance: advance declarations, port events and notifications',
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
    });

    for (const route of props.routes) {
      const fn = props.functions[route.operationId];
      if (fn === undefined) throw new Error(`no function answers ${route.operationId}`);
      this.resourceAt(route.path).addMethod(
        route.method,
        new LambdaIntegration(fn),
        route.roles === 'public'
          ? { authorizationType: AuthorizationType.NONE, operationName: route.operationId }
          : { authorizer, authorizationType: AuthorizationType.COGNITO, operationName: route.operationId },
      );
    }
  }

  private resourceAt(path: string): IResource {
    return path
      .split('/')
      .filter((part) => part !== '')
      .reduce<IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), this.restApi.root);
  }
}
