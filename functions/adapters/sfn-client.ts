import { SFNClient } from '@aws-sdk/client-sfn';
import { sdkClientConfig } from './sdk-client-config.ts';

// A module of its own so that functions which never call Step Functions do not bundle its client.
// The endpoint comes from AWS_ENDPOINT_URL_SFN, which the local harness sets.
export const sfnClient = new SFNClient({ ...sdkClientConfig });
