import { buildPreClearanceApp } from './pre-clearance-app.ts';

// `cdk synth` and `cdk deploy` stop on a cdk-nag finding nobody reviewed (infra/nag-suppressions.ts).
buildPreClearanceApp({}, { enforceSecurityChecks: true }).app.synth();
