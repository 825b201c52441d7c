import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { maskPersonalData, maskText } from './log-masking.ts';

/**
 * Powertools' standard log structure (the same keys, in the same order), with personal data masked out of
 * everything a line carries: the attributes a handler passes, e-mail addresses in the message, and errors
 * (their extra fields and causes), which Powertools serialises through `formatError`. What is masked, and
 * why, is in ./log-masking.ts.
 */
export class PersonalDataMaskingFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const { lambdaContext } = attributes;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: maskText(attributes.message),
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: lambdaContext?.coldStart,
        function_arn: lambdaContext?.invokedFunctionArn,
        function_memory_size: lambdaContext?.memoryLimitInMB,
        function_name: lambdaContext?.functionName,
        function_request_id: lambdaContext?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(maskPersonalData(additionalLogAttributes));
  }

  override formatError(error: Error): LogAttributes {
    // super.formatError formats a cause that is an Error through this very method: it comes back masked.
    const { name, location, message, stack, cause, ...fields } = super.formatError(error);
    return {
      name,
      location,
      message: maskText(message),
      stack: maskText(stack),
      cause: error.cause instanceof Error ? cause : maskPersonalData(cause),
      ...maskPersonalData(fields),
    };
  }
}

/** A logger as every function uses it; service name and level come from the POWERTOOLS_* variables. */
export function createLogger(options: { readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } = {}): Logger {
  return new Logger({ ...options, logFormatter: new PersonalDataMaskingFormatter() });
}

/** The one logger of a function. */
export const logger = createLogger();
