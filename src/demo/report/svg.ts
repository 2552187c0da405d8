/**
 * The report's charts as inline SVG, drawn here (the report must open without network: no chart library
 * from a CDN). Two kinds are enough: horizontal bars (one labelled bar per category) and lines over time.
 * Every chart is an <svg class="chart"> whose marks are <rect class="mark"> or <path class="mark">.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#14b8a6', '#ec4899', '#64748b'];

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar, e.g. "p95 120 ms"; default the value. */
  note?: string;
  color?: string;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Numbers for axis and labels: 1234 -> 1.2k, 0.1234 -> 0.12. */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function barChart(name: string, bars: readonly Bar[], options: { width?: number; color?: string } = {}): string {
  const width = options.width ?? 560;
  const labelWidth = Math.min(220, Math.max(60, ...bars.map((b) => b.label.length * 7 + 8)));
  const noteWidth = 110;
  const row = 26;
  const top = 6;
  const height = top * 2 + Math.max(1, bars.length) * row;
  const plot = width - labelWidth - noteWidth;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const parts = bars.map((b, i) => {
    const y = top + i * row;
    const w = max > 0 ? Math.max(1, (b.value / max) * plot) : 1;
    const color = b.color ?? options.color ?? PALETTE[0];
    return [
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" ${FONT} fill="#334155">${escapeHtml(b.label)}</text>`,
      `<rect class="mark" x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" rx="3" fill="${color}"><title>${escapeHtml(`${b.label}: ${b.note ?? compact(b.value)}`)}</title></rect>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 17}" ${FONT} fill="#475569">${escapeHtml(b.note ?? compact(b.value))}</text>`,
    ].join('');
  });
  return `<svg class="chart" data-chart="${escapeHtml(name)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${parts.join('')}</svg>`;
}

export interface Series {
  name: string;
  points: readonly { t: number; v: number }[];
  color?: string;
}

export function lineChart(
  name: string,
  series: readonly Series[],
  options: { width?: number; height?: number; unit?: string } = {},
): string {
  const width = options.width ?? 560;
  const height = options.height ?? 220;
  const left = 48;
  const right = 12;
  const top = 24;
  const bottom = 26;
  const all = series.flatMap((s) => s.points);
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const vmax = Math.max(0, ...all.map((p) => p.v)) || 1;
  const x = (t: number) => left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * (width - left - right) : (width - left - right) / 2);
  const y = (v: number) => top + (1 - v / vmax) * (height - top - bottom);
  const grid = [0, 0.5, 1].map((f) => {
    const gy = y(vmax * f);
    return `<line x1="${left}" x2="${width - right}" y1="${gy.toFixed(1)}" y2="${gy.toFixed(1)}" stroke="#e2e8f0"/><text x="${left - 6}" y="${(gy + 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#64748b">${compact(vmax * f)}</text>`;
  });
  const time = (t: number) => new Date(t).toISOString().slice(11, 19);
  const axis = all.length
    ? `<text x="${left}" y="${height - 8}" ${FONT} fill="#64748b">${time(t0)}</text><text x="${width - right}" y="${height - 8}" text-anchor="end" ${FONT} fill="#64748b">${time(t1)}</text>`
    : '';
  const lines = series.map((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    // A single point still shows: a short horizontal stroke.
    const path = pts.length === 1 ? `M${(x(pts[0]!.t) - 4).toFixed(1)},${y(pts[0]!.v).toFixed(1)} h8` : d;
    return `<path class="mark" d="${path}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${left + i * 150}" y="6" width="10" height="10" fill="${s.color ?? PALETTE[i % PALETTE.length]}"/><text x="${left + i * 150 + 14}" y="15" ${FONT} fill="#334155">${escapeHtml(s.name)}${options.unit ? ` (${escapeHtml(options.unit)})` : ''}</text>`,
    )
    .join('');
  return `<svg class="chart" data-chart="${escapeHtml(name)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${grid.join('')}${axis}${lines.join('')}${legend}</svg>`;
}
