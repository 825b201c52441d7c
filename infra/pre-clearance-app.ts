import { App, type AppProps, Tags } from 'aws-cdk-lib';
import { compileRoutes } from './build/compile-routes.ts';
import { stackNameFor, stageSettingsFrom } from './config.ts';
import { acknowledgeReviewedFindings, enforceSecurityChecks } from './nag-suppressions.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

/**
 * Builds the whole CDK app. `cdk synth` (infra/app.ts), the assertion tests and the local harness all
 * call this, so there is exactly one definition of every table, function, route and workflow.
 *
 * Security checks (cdk-nag, infra/nag-suppressions.ts): the reviewed findings are always acknowledged
 * (construct metadata only; templates do not change). `enforceSecurityChecks` makes synthesis fail on any
 * other finding; the CLI's app sets it, the local harness does not. `acknowledgeReviewedFindings: false`
 * leaves the reviewed findings bare, so a test can prove that each one still applies.
 */
export function buildPreClearanceApp(
  props: AppProps = {},
  options: { readonly enforceSecurityChecks?: boolean; readonly acknowledgeReviewedFindings?: boolean } = {},
) {
  // The functions import the route registry compiled (validators included): bring it up to date before bundling.
  compileRoutes();
  const app = new App(props);
  const settings = stageSettingsFrom(app.node);
  const stateful = new StatefulStack(app, 'Stateful', {
    stackName: stackNameFor(settings, 'Stateful'),
    settings,
    description: `Customs pre-clearance (${settings.stage}): tables and user pool`,
  });
  const stateless = new StatelessStack(app, 'Stateless', {
    stackName: stackNameFor(settings, 'Stateless'),
    settings,
    declarationsTable: stateful.declarationsTable,
    idempotencyTable: stateful.idempotencyTable,
    userPool: stateful.userPool,
    description: `Customs pre-clearance (${settings.stage}): API, functions and workflows`,
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'horgos-preclearance');
    Tags.of(stack).add('stage', settings.stage);
  }
  if (options.acknowledgeReviewedFindings !== false) acknowledgeReviewedFindings(app, settings);
  if (options.enforceSecurityChecks === true) enforceSecurityChecks(app);
  return { app, settings, stateful, stateless };
}
