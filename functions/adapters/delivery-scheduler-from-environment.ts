import { ENV, requireEnv } from '#shared/env.ts';
import { sfnClient } from './sfn-client.ts';
import { stepFunctionsDeliveryScheduler } from './step-functions-deliveries.ts';

// A module of its own so that functions which never start deliveries do not bundle the Step Functions client.
export const deliverySchedulerFromEnv = () =>
  stepFunctionsDeliveryScheduler(sfnClient, requireEnv(ENV.deliveryStateMachineArn));
