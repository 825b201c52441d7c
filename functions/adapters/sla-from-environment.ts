import { slaPolicyFrom } from '#domain/sla.ts';
import { ENV } from '#shared/env.ts';

/** The SLA hours the stack configured (context slaTransshipmentHours / slaReleaseHours), else the port's figures. */
export const slaPolicyFromEnv = () =>
  slaPolicyFrom({
    TRANSSHIPMENT: process.env[ENV.slaTransshipmentHours],
    RELEASE: process.env[ENV.slaReleaseHours],
  });
