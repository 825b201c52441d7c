import { randomBytes } from 'node:crypto';
import { systemClock } from '#adapters/from-environment.ts';
import { webhookStoreFromEnv, webhookUrlPolicyFromEnv } from '#adapters/notifications-from-environment.ts';
import { type WebhookCreated, webhookBodyOf } from '#application/webhook-views.ts';
import { registerWebhook } from '#application/webhooks.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/registerWebhook.ts';
import { httpRoute, json } from '#shared/http.ts';
import { replayFirstAnswer } from '#shared/idempotency.ts';
import { linkTo } from '#shared/links.ts';
import { brokerIdOf } from '#shared/principal.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = {
  webhooks: webhookStoreFromEnv(),
  clock: systemClock,
  randomBytes: (size: number) => randomBytes(size),
  urlPolicy: webhookUrlPolicyFromEnv(),
};

export const handler = httpRoute(
  route,
  async ({ event, body, principal }) => {
    const outcome = await registerWebhook(ports, { brokerId: brokerIdOf(principal), ...body });
    if (outcome.kind === 'refused') throw ruleViolationsProblem('webhook', outcome.violations);
    if (outcome.kind === 'limit-reached') {
      throw new ProblemError('validation-failed', `a broker may register at most ${outcome.limit} webhooks`, [
        { field: '', rule: 'max-webhooks', detail: `at most ${outcome.limit}: delete one you no longer use` },
      ]);
    }
    const { subscription } = outcome;
    const created: WebhookCreated = {
      ...webhookBodyOf(subscription, linkTo(event, routePaths.listWebhookDeliveries, { id: subscription.id })),
      secret: subscription.secret,
    };
    return json(201, created);
  },
  replayFirstAnswer,
);
