import {
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LambdaIntegration,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

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

    const v1 = this.restApi.root.addResource('v1');
    const declarations = v1.addResource('declarations');
    declarations.addMethod('POST', new LambdaIntegration(props.routes.submitDeclaration));
    declarations.addResource('{id}').addMethod('GET', new LambdaIntegration(props.routes.getDeclaration));
    v1.addResource('port-events').addMethod('POST', new LambdaIntegration(props.routes.postPortEvent));
  }
}
