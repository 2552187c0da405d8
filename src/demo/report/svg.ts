/**
 * The report's charts as inline SVG, drawn here (the report must open without network: no chart library
 * from a CDN). Two kinds are enough: horizontal bars (one labelled bar per category) and lines over time.
 * Every chart is an <svg class="chart"> whose marks are <rect class="mark"> or <path class="mark">.
 *
 * The charts are fluid: 100% of their box wide, with horizontal positions in percent (bars) or in a
 * stretched inner plot (lines), so they fit a phone as well as a desktop column while the text keeps its
 * size. Text is laid out for the narrowest box (about 300 px): what would not fit is shortened with an
 * ellipsis and the whole text is in a <title> (the tooltip).
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Colours with a meaning: red is failure only, never a category or a phase that went fine. */
export const COLOR = {
  traffic: '#3b82f6',
  latency: '#f59e0b',
  throughput: '#0ea5e9',
  users: '#8b5cf6',
  activeUsers: '#14b8a6',
  variant: ['#6366f1', '#64748b'],
  /** Errors that are the service's fault (server, external service). */
  failure: '#ef4444',
  /** Errors that are the caller's (validation, client). */
  callerError: '#f97316',
} as const;

export interface Bar {
  label: string;
  value: number;
  /** Text at the right of the bar's row, e.g. "120 ms"; default the value. */
  note?: string;
  color?: string;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
/** The narrowest box a chart is laid out for (a 390 px phone less the page's and the section's padding). */
export const NARROWEST = 300;
/**
 * Width of 12 px system-ui text, on the generous side: per character class, after DejaVu Sans (Linux's
 * usual system-ui, wider than macOS's or Windows' faces).
 */
export function textWidth(text: string): number {
  let width = 0;
  for (const c of text) {
    if (/[ .,:;'|!ijltfrI/()[\]-]/.test(c)) width += 4.4;
    else if (/[mwMW%@]/.test(c)) width += 11;
    else if (/[A-Z]/.test(c)) width += 8.6;
    else width += 7.6;
  }
  return width;
}

/** Numbers for axis and labels: 1234 -> 1.2k, 0.1234 -> 0.12; never "-0". */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  let text: string;
  if (abs >= 1e6) text = `${(value / 1e6).toFixed(1)}M`;
  else if (abs >= 1e4) text = `${(value / 1e3).toFixed(0)}k`;
  else if (abs >= 1e3) text = `${(value / 1e3).toFixed(1)}k`;
  else if (abs >= 100 || Number.isInteger(value)) text = value.toFixed(0);
  else if (abs >= 10) text = value.toFixed(1);
  else text = value.toFixed(2);
  return noNegativeZero(text);
}

/** A ratio as a percentage, 0.25 -> "25.0%"; a zero (or a rounding of a tiny negative) is "0.0%", never "-0.0%". */
export function percent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '-';
  return `${noNegativeZero((ratio * 100).toFixed(digits))}%`;
}

const noNegativeZero = (text: string) => (/^-0(\.0*)?[a-zA-Z]*$/.test(text) ? text.slice(1) : text);

/** The text cut to at most `width` px (by textWidth), with an ellipsis when cut. */
export function ellipsize(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('')}…`;
}

/**
 * Where the value axis ends: the largest value, unless one or a few bars are far beyond the others (more
 * than 3 times the next), then the largest of the others (plus a margin): those few are drawn cut.
 */
export function barScale(values: readonly number[]): { max: number; cut: number } {
  const sorted = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => b - a);
  const largest = sorted[0] ?? 0;
  const mostCut = Math.max(1, Math.floor(sorted.length / 4));
  for (let k = 1; k <= mostCut && k < sorted.length; k++) {
    if (sorted[k - 1]! > 3 * sorted[k]!) return { max: sorted[k]! * 1.15, cut: k };
  }
  return { max: largest, cut: 0 };
}

/**
 * Horizontal bars: per row the label (left) and the note (right) on a line, the bar under them, 100% of the
 * box for the largest value. With `cutOutliers`, a bar far beyond the others does not squash them: the axis
 * ends at the others' largest and that bar is drawn broken at the end, its note saying "off scale".
 */
export function barChart(name: string, bars: readonly Bar[], options: { color?: string; cutOutliers?: boolean } = {}): string {
  const row = 36;
  const height = Math.max(1, bars.length) * row;
  const scale = options.cutOutliers ? barScale(bars.map((b) => b.value)) : { max: Math.max(0, ...bars.map((b) => b.value)), cut: 0 };
  const parts = bars.map((b, i) => {
    const y = i * row;
    const cut = scale.max > 0 && b.value > scale.max;
    const note = `${b.note ?? compact(b.value)}${cut ? ' (off scale)' : ''}`;
    // Both on one line of the narrowest box: the note keeps what the label leaves it (at least 45%).
    const shownNote = ellipsize(note, Math.max(NARROWEST * 0.45, NARROWEST - 12 - textWidth(b.label)));
    const label = ellipsize(b.label, NARROWEST - textWidth(shownNote) - 12);
    const whole = `${b.label}: ${note}`;
    const fraction = scale.max > 0 ? Math.min(1, b.value / scale.max) : 0;
    const width = `${Math.max(0.4, fraction * 100).toFixed(2)}%`;
    const color = b.color ?? options.color ?? COLOR.traffic;
    const breakMarks = cut
      ? `<rect x="93%" y="${y + 18}" width="3" height="14" fill="#fff"/><rect x="95%" y="${y + 18}" width="3" height="14" fill="#fff"/>`
      : '';
    return [
      `<text x="0" y="${y + 13}" ${FONT} fill="#334155">${escapeHtml(label)}${label !== b.label ? `<title>${escapeHtml(whole)}</title>` : ''}</text>`,
      `<text x="100%" y="${y + 13}" text-anchor="end" ${FONT} fill="#475569">${escapeHtml(shownNote)}${shownNote !== note ? `<title>${escapeHtml(whole)}</title>` : ''}</text>`,
      `<rect class="mark${cut ? ' cut' : ''}" x="0" y="${y + 19}" width="${width}" height="12" rx="2" fill="${color}"><title>${escapeHtml(whole)}</title></rect>`,
      breakMarks,
    ].join('');
  });
  const svg = `<svg class="chart" data-chart="${escapeHtml(name)}" xmlns="http://www.w3.org/2000/svg" width="100%" height="${height}" role="img">${parts.join('')}</svg>`;
  const cutCount = bars.filter((b) => scale.max > 0 && b.value > scale.max).length;
  return cutCount > 0
    ? `${svg}<p class="chart-note">Scale 0 to ${escapeHtml(compact(scale.max))}: ${cutCount === 1 ? 'one bar is' : `${cutCount} bars are`} beyond it, drawn broken (their values are written out), so the others stay readable.</p>`
    : svg;
}

export interface Series {
  name: string;
  points: readonly { t: number; v: number }[];
  color?: string;
}

/** Steps for time ticks, in seconds: the first one giving at most `most` ticks over the span is used. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Evenly spaced, round tick times within [t0, t1] (epoch ms): several, at most `most`. */
export function timeTicks(t0: number, t1: number, most = 6): { ticks: number[]; stepMs: number } {
  const span = Math.max(0, t1 - t0);
  const stepMs = (TIME_STEPS.find((s) => span / (s * 1000) <= most - 1) ?? TIME_STEPS.at(-1)!) * 1000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / stepMs) * stepMs; t <= t1; t += stepMs) ticks.push(t);
  return { ticks, stepMs };
}

/** A tick's time in UTC: seconds shown when the ticks are less than a minute apart, the date when days apart. */
export function timeLabel(t: number, stepMs: number): string {
  const iso = new Date(t).toISOString();
  if (stepMs >= 86_400_000) return iso.slice(0, 10);
  return stepMs >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
}

/** A duration in words: 1000 -> "1 s", 60000 -> "1 min", 90000 -> "90 s". */
export function durationLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** A "nice" upper end for a value axis: 77 -> 80, 1700 -> 2000, 0.34 -> 0.4. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((s) => value <= s * magnitude)!;
  return step * magnitude;
}

/**
 * Lines over time: the plot stretches to the box's width (the lines keep their stroke), time ticks every
 * round step under it in UTC, the bucket interval said under the axis, value gridlines labelled at the right.
 */
export function lineChart(
  name: string,
  series: readonly Series[],
  options: { height?: number; unit?: string; intervalMs?: number } = {},
): string {
  const height = options.height ?? 230;
  const top = 26;
  const bottom = 44;
  const plotHeight = height - top - bottom;
  const inner = 1000;
  const all = series.flatMap((s) => s.points);
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const vmax = niceMax(Math.max(0, ...all.map((p) => p.v)));
  // The plot leaves the right 12% to the value labels, so they never sit on the lines.
  const plotShare = 0.88;
  const fx = (t: number) => (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5);
  const y = (v: number) => (1 - v / vmax) * plotHeight;
  const grid = [0, 0.5, 1].map((f) => {
    // The gridline runs under the plot, its value at the right, level with it.
    const gy = top + y(vmax * f);
    return `<line x1="0" x2="${plotShare * 100 + 1}%" y1="${gy.toFixed(1)}" y2="${gy.toFixed(1)}" stroke="#e2e8f0"/><text x="100%" y="${(gy + 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#64748b">${compact(vmax * f)}</text>`;
  });
  const axisY = top + plotHeight;
  let axis = '';
  if (all.length) {
    // At most 5 ticks: their labels, centred on them, stay apart in the narrowest box. One too near the left
    // edge to centre its label there keeps its mark, and its label only when the others would be too few
    // (then left-aligned: with so few ticks the next one is far enough).
    const { ticks, stepMs } = timeTicks(t0, t1, 5);
    const edge = (t: number) => fx(t) * plotShare * NARROWEST < textWidth(timeLabel(t, stepMs)) / 2 + 2;
    const labelled = ticks.filter((t) => !edge(t)).length;
    axis = ticks
      .map((t) => {
        const p = (fx(t) * plotShare * 100).toFixed(2);
        const mark = `<line class="tick" x1="${p}%" x2="${p}%" y1="${axisY}" y2="${axisY + 4}" stroke="#94a3b8"/>`;
        if (edge(t) && labelled >= 3) return mark;
        return `${mark}<text class="tick-label" x="${p}%" y="${axisY + 19}" text-anchor="${edge(t) ? 'start' : 'middle'}" ${FONT} fill="#64748b">${timeLabel(t, stepMs)}</text>`;
      })
      .join('');
    const interval = options.intervalMs ? `, one point per ${durationLabel(options.intervalMs)}` : '';
    axis += `<text class="axis-title" x="0" y="${height - 4}" ${FONT} fill="#94a3b8">time (UTC)${escapeHtml(interval)}</text>`;
  }
  const lines = series.map((s, i) => {
    const color = s.color ?? COLOR.traffic;
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${(fx(p.t) * inner).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    // A single point still shows: a short horizontal stroke.
    const path = pts.length === 1 ? `M${(fx(pts[0]!.t) * inner - 6).toFixed(1)},${y(pts[0]!.v).toFixed(1)} h12` : d;
    return `<path class="mark" d="${path}" fill="none" stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke" data-series="${i}"><title>${escapeHtml(s.name)}</title></path>`;
  });
  const plot = `<svg x="0" y="${top}" width="${plotShare * 100}%" height="${plotHeight}" viewBox="0 0 ${inner} ${plotHeight}" preserveAspectRatio="none" overflow="visible">${lines.join('')}</svg>`;
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${i * 130}" y="4" width="10" height="10" fill="${s.color ?? COLOR.traffic}"/><text x="${i * 130 + 14}" y="13" ${FONT} fill="#334155">${escapeHtml(ellipsize(`${s.name}${options.unit ? ` (${options.unit})` : ''}`, 110))}</text>`,
    )
    .join('');
  return `<svg class="chart" data-chart="${escapeHtml(name)}" xmlns="http://www.w3.org/2000/svg" width="100%" height="${height}" role="img">${grid.join('')}${axis}${plot}${legend}</svg>`;
}
