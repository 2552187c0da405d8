/** Writes the demo's HTML report. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportData } from './data.js';
import { renderReport, type ReportOptions } from './html.js';

export { collectReportData, FUNNEL_STEPS, type ReportData } from './data.js';
export { renderReport, type ReportOptions } from './html.js';

export async function writeReport(
  path: string,
  data: ReportData,
  summary: { title: string; facts: [string, string][] },
  options: ReportOptions = {},
): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderReport(data, summary, options), 'utf8');
  return path;
}
