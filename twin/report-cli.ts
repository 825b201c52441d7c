import { readFile } from 'node:fs/promises';
import { writeReport } from './report.ts';
import type { TwinRunRecord } from './run-record.ts';

/**
 * Renders the report from run records saved as JSON: `node twin/report-cli.ts <outDir> <run.json> [<other.json>]`.
 * Two records are compared side by side (the first is a, the second b).
 */
const [outDir, ...files] = process.argv.slice(2);
if (outDir === undefined || files.length === 0 || files.length > 2) {
  console.error('usage: node twin/report-cli.ts <outDir> <run.json> [<other-run.json>]');
  process.exit(2);
}
const runs = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as TwinRunRecord));
const written = await writeReport(outDir, runs);
console.log(`report: ${written.html} and ${written.json}`);
