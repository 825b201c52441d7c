import { slaPolicyFrom } from '#domain/sla.ts';
import { completionPeriodFrom } from '#domain/two-step.ts';
import { ENV } from '#shared/env.ts';

/** The SLA hours the stack configured (context slaTransshipmentHours / slaReleaseHours), else the port's figures. */
export const slaPolicyFromEnv = () =>
  slaPolicyFrom({
    TRANSSHIPMENT: process.env[ENV.slaTransshipmentHours],
    RELEASE: process.env[ENV.slaReleaseHours],
  });

/** The two-step completion period the stack configured (context twoStepCompletionDays), else 14 days. */
export const completionPeriodFromEnv = () => completionPeriodFrom(process.env[ENV.twoStepCompletionDays]);
