/**
 * Layout checks of the demo report in a Chromium page (shared by report-render.test.ts on fixed data and
 * demo.test.ts on the real demo's report): the page's width, text clipped by its box or overlapping other
 * text, and the time axes' tick labels.
 */
import type { Page } from 'playwright-core';

export const CHROMIUM_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export interface ReportLayout {
  /** document.documentElement.scrollWidth: more than the viewport means the page scrolls sideways. */
  scrollWidth: number;
  /** One line per problem: an element whose content overflows it, chart text outside its chart or over other text. */
  problems: string[];
  /** The x-axis tick labels per line chart (data-chart). */
  tickLabels: Record<string, string[]>;
}

export function reportLayoutProblems(page: Page): Promise<ReportLayout> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('class') ? `.${el.getAttribute('class')}` : ''} "${(el.textContent ?? '').slice(0, 40)}"`;
    // HTML boxes: content wider than the box, unless the box scrolls it on purpose.
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('svg')) continue;
      const html = el as HTMLElement;
      const overflowX = getComputedStyle(html).overflowX;
      if (html.clientWidth > 0 && html.scrollWidth > html.clientWidth + 1 && overflowX !== 'auto' && overflowX !== 'scroll')
        problems.push(`overflows its box (${html.scrollWidth} > ${html.clientWidth}): ${describe(el)}`);
    }
    // Chart text: inside its chart, and not over other text of the chart.
    const tickLabels: Record<string, string[]> = {};
    for (const svg of document.querySelectorAll('svg.chart')) {
      const name = svg.getAttribute('data-chart') ?? '?';
      const box = svg.getBoundingClientRect();
      const texts = [...svg.querySelectorAll('text')].map((t) => ({ t, r: t.getBoundingClientRect() }));
      for (const { t, r } of texts) {
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
          problems.push(
            `${name}: text outside the chart (${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} of ${Math.round(box.width)}): ${describe(t)}`,
          );
      }
      for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++) {
          const [a, b] = [texts[i]!.r, texts[j]!.r];
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          // Line boxes of text on adjacent rows touch by a pixel or two; glyphs over glyphs overlap more.
          if (w > 1 && h > 3) problems.push(`${name}: text over text: ${describe(texts[i]!.t)} / ${describe(texts[j]!.t)}`);
        }
      tickLabels[name] = [...svg.querySelectorAll('text.tick-label')].map((t) => t.textContent ?? '');
    }
    return { scrollWidth: document.documentElement.scrollWidth, problems, tickLabels };
  });
}
