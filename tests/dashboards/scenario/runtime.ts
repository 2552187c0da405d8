/** Node.js runtime gauges per minute: event loop delay percentiles, V8 heap per space and its limit, RSS. */
import { MINUTE, SERVICE, type ScenarioContext, type ScenarioRows } from './scenario.js';
import { gaugeRow, seededRandom } from './rows.js';

const HEAP_LIMIT = 2 * 1024 ** 3;

export function runtimeMetrics(ctx: ScenarioContext): Partial<ScenarioRows> {
  const random = seededRandom(99);
  const gauges: Record<string, unknown>[] = [];
  for (let minute = 120; minute >= 0; minute--) {
    const time = ctx.now - minute * MINUTE;
    // Healthy heap use hovers around 55% of the limit; the leak climbs to 93% over the last 15 minutes.
    let ratio = 0.5 + random() * 0.1;
    if (ctx.has('memoryGrowth') && minute <= 15) ratio = 0.55 + ((15 - minute) / 15) * 0.38;
    const used = ratio * HEAP_LIMIT;
    const g = (name: string, unit: string, value: number, attributes?: Record<string, string>) =>
      gauges.push(gaugeRow({ resource: SERVICE, timeMs: time, name, unit, value, ...(attributes && { attributes }) }));
    g('nodejs.eventloop.delay.p50', 's', 0.004 + random() * 0.002);
    g('nodejs.eventloop.delay.p90', 's', 0.009 + random() * 0.004);
    g('nodejs.eventloop.delay.p99', 's', 0.015 + random() * 0.01);
    g('v8js.memory.heap.used', 'By', used * 0.2, { 'v8js.heap.space.name': 'new_space' });
    g('v8js.memory.heap.used', 'By', used * 0.8, { 'v8js.heap.space.name': 'old_space' });
    g('v8js.memory.heap.limit', 'By', HEAP_LIMIT);
    g('process.memory.usage', 'By', used * 1.3);
  }
  return { gauges };
}
