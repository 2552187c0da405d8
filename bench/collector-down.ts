/**
 * Benchmark 6: memory while the collector is down. The observed service exports to a closed port under
 * sustained load; its resident memory is sampled from /proc and compared with the bare service under the
 * same load. Bounded queues (batch processors, exporters) must keep the difference small and flat.
 */
import { MB, type Benchmark } from './benchmark.js';
import { load } from './load.js';
import { createThrowawayDatabase } from './postgres.js';
import { goals } from './report.js';
import { sampleRss, seedProjects, startService } from './service.js';
import { closedPort } from './sinks.js';
import { max, median } from './stats.js';

const ROUTE = '/projects';

interface Measured {
  peak: number;
  /** Median RSS of the first and of the last fifth of the loaded period: growth shows as a difference. */
  early: number;
  late: number;
  requests: number;
  samples: number;
}

export const collectorDown: Benchmark = {
  name: 'memory',
  title: 'Memory with the collector down',
  async run({ quick, log }) {
    const seconds = quick ? 10 : 30;
    const db = await createThrowawayDatabase();
    const port = await closedPort();
    try {
      const measure = async (instrument: boolean): Promise<Measured> => {
        const service = await startService({
          label: instrument ? 'with the layer, collector down' : 'without the layer',
          instrument,
          databaseUrl: db.url,
          env: instrument ? { OTEL_SERVICE_NAME: 'migration-service', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } : {},
        });
        try {
          if (!instrument) await seedProjects(service.url, 20);
          const sampler = sampleRss(service.pid, 100);
          const r = await load({ url: `${service.url}${ROUTE}`, seconds, connections: 10 });
          const samples = sampler.stop();
          const fifth = Math.max(1, Math.floor(samples.length / 5));
          log(`memory: ${service.label}: peak ${(max(samples) / MB).toFixed(1)} MB over ${r.requests} requests`);
          return {
            peak: max(samples),
            early: median(samples.slice(0, fifth)),
            late: median(samples.slice(-fifth)),
            requests: r.requests,
            samples: samples.length,
          };
        } finally {
          await service.stop();
        }
      };
      const bare = await measure(false);
      const down = await measure(true);
      const mb = (n: number) => n / MB;
      return {
        figures: [
          {
            name: 'peak RSS under load',
            value: mb(down.peak),
            unit: 'MB',
            baseline: mb(bare.peak),
            baselineName: 'without the layer',
            goal: goals.max('delta', 64, 'delta < 64 MB'),
          },
        ],
        notes: [
          `${seconds} s of autocannon (10 connections) on GET ${ROUTE} per variant, one variant at a time; RSS from /proc/<pid>/status every 100 ms (${bare.samples} and ${down.samples} samples).`,
          `With the layer, OTEL_EXPORTER_OTLP_ENDPOINT points at a closed port (http://127.0.0.1:${port}); every export fails with connection refused. Default settings otherwise.`,
          `Peak delta ${(mb(down.peak) - mb(bare.peak)).toFixed(1)} MB; it includes the SDK's own code and instrumentation (loaded once), not only queued telemetry.`,
          `Growth under load (median RSS of the last fifth minus the first fifth of the run): without ${(mb(bare.late) - mb(bare.early)).toFixed(1)} MB, with ${(mb(down.late) - mb(down.early)).toFixed(1)} MB.`,
          `Requests served: ${bare.requests.toLocaleString('en-US')} without, ${down.requests.toLocaleString('en-US')} with the collector down.`,
        ],
      };
    } finally {
      await db.drop();
    }
  },
};
