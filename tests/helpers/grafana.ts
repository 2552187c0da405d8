/** The tests expand panel and alert SQL with the same code the benchmark uses (src/dashboards/grafana-expand.ts). */
export * from '../../src/dashboards/grafana-expand.js';
