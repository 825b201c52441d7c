/**
 * Imported first by a test file that needs more than the harness's two concurrent executions per function (a race
 * for an hour's last slot): the harness reads LOCAL_LAMBDA_CONCURRENCY once, when its runtime module loads, and ES
 * modules are evaluated in import order, so this must come before the stack's modules.
 */
process.env.LOCAL_LAMBDA_CONCURRENCY ??= '6';
