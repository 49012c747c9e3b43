// Draws a diagram as an SVG picture, by hand (no dependency): the inputs on top, a box
// naming the pattern, the outputs below. Each timeline is an arrow; a value is a
// labelled circle, a completion a bar, an error an X; a subscription is a shaded band
// from `^` to `!`. What never happened (a cold input's script after `!`) is faded.

import type { Diagram, Mark, Timeline } from './diagram';

const FRAME = 30; // px per frame
const RADIUS = 11;
const ROW = 46;
const RULER = 30;
const BOX = 34;
const GAP = 12;
const LEGEND_LINE = 18;
/** Width of one character of 14px monospace text, near enough. */
const MONO_CHAR = 8.5;
const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";
const SANS = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const INK = '#1f2933';
const GRID = '#e4e7eb';
const BAND = '#cfe3ff';
const ERROR = '#d62828';
/** Fill of a value's circle, chosen by its character so that one value keeps one colour. */
const FILLS = ['#ffd166', '#8ecae6', '#b5e48c', '#f4a6c6', '#cdb4db', '#ffb4a2', '#a8dadc', '#e9c46a', '#c7f9cc', '#bde0fe'];

export function svgDiagram(diagram: Diagram): string {
  const { timelines, legend, recording } = diagram;
  const inputs = timelines.filter((t) => t.role === 'input');
  const outputs = timelines.filter((t) => t.role === 'output');
  const labelWidth = 28 + MONO_CHAR * Math.max(...timelines.map((t) => t.label.length));
  const x = (frame: number) => labelWidth + FRAME / 2 + frame * FRAME;
  // Every arrow ends at the same place: after the last frame, or further for a long box label.
  const boxText = MONO_CHAR * recording.lesson.box.length + 32;
  const end = Math.max(x(diagram.frames) + 4, labelWidth + boxText);
  const top = RULER;
  const boxTop = top + inputs.length * ROW + GAP / 2;
  const outputsTop = boxTop + BOX + GAP;
  const legendTop = outputsTop + outputs.length * ROW + 8;
  const legendWidth = 12 + ((MONO_CHAR * 12) / 14) * Math.max(0, ...legend.map((l) => l.length)) + 12;
  const width = Math.ceil(Math.max(end + 24, legendWidth));
  const height = Math.ceil(legendTop + legend.length * LEGEND_LINE + (legend.length ? 10 : 0));

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);

  // Frame grid and numbers.
  const grid: string[] = [];
  for (let frame = 0; frame < diagram.frames; frame++) {
    grid.push(`<line x1="${x(frame)}" y1="${top - 6}" x2="${x(frame)}" y2="${legendTop - 8}" stroke="${GRID}" stroke-width="1"/>`);
    grid.push(`<text x="${x(frame)}" y="${top - 12}" font-size="10" text-anchor="middle" fill="#7b8794">${frame}</text>`);
  }
  parts.push(`<g class="grid" font-family="${SANS}">${grid.join('')}</g>`);

  inputs.forEach((t, i) => parts.push(timeline(t, top + i * ROW + ROW / 2)));
  parts.push(
    `<g class="box"><rect x="${labelWidth}" y="${boxTop}" width="${end - labelWidth}" height="${BOX}" rx="6" fill="#f5f7fa" stroke="#9aa5b1"/>` +
      `<text x="${(labelWidth + end) / 2}" y="${boxTop + BOX / 2 + 5}" font-family="${MONO}" font-size="14" text-anchor="middle" fill="${INK}">${escape(recording.lesson.box)}</text></g>`,
  );
  outputs.forEach((t, i) => parts.push(timeline(t, outputsTop + i * ROW + ROW / 2)));
  if (legend.length) {
    const lines = legend.map((l, i) => `<text x="12" y="${legendTop + 12 + i * LEGEND_LINE}">${escape(l)}</text>`);
    parts.push(`<g class="legend" font-family="${MONO}" font-size="12" fill="${INK}">${lines.join('')}</g>`);
  }

  const title = escape(recording.lesson.title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title">`,
    `<title id="title">${title}</title>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');

  function timeline(t: Timeline, y: number): string {
    const out: string[] = [];
    out.push(`<text x="12" y="${y + 5}" font-family="${MONO}" font-size="14" fill="${INK}">${escape(t.label)}</text>`);
    if (t.band) {
      const from = x(t.band.from) - 4;
      const to = t.band.to === Infinity ? end : x(t.band.to) + 4;
      const what = t.role === 'input' ? 'subscribed' : 'consumer subscribed';
      const until = t.band.to === Infinity ? 'never unsubscribed' : `unsubscribed at frame ${t.band.to}`;
      out.push(
        `<rect class="subscription" x="${from}" y="${y - 17}" width="${to - from}" height="34" rx="5" fill="${BAND}">` +
          `<title>${what} at frame ${t.band.from}, ${until}</title></rect>`,
      );
    }
    out.push(`<line x1="${labelWidth}" y1="${y}" x2="${end}" y2="${y}" stroke="${INK}" stroke-width="1.5"/>`);
    out.push(`<path d="M ${end} ${y - 5} L ${end + 10} ${y} L ${end} ${y + 5} Z" fill="${INK}"/>`);
    // Values of one frame are stacked at that frame; a completion or error in the same
    // frame comes just after them.
    for (const frame of new Set(t.marks.map((m) => m.frame))) {
      const group = t.marks.filter((m) => m.frame === frame);
      const values = group.filter((m) => m.kind === 'N');
      const step = values.length > 1 ? Math.min(2 * RADIUS + 1, 36 / (values.length - 1)) : 0;
      values.forEach((m, i) => out.push(faded(m, mark(m, x(frame), y + (i - (values.length - 1) / 2) * step))));
      group.filter((m) => m.kind !== 'N').forEach((m) => out.push(faded(m, mark(m, x(frame) + (values.length ? RADIUS + 3 : 0), y))));
    }
    return `<g class="timeline" data-role="${t.role}">${out.join('')}</g>`;
  }
}

function mark(m: Mark, cx: number, y: number): string {
  switch (m.kind) {
    case 'N':
      return (
        `<circle cx="${cx}" cy="${y}" r="${RADIUS}" fill="${fill(m.char)}" stroke="${INK}" stroke-width="1.5"/>` +
        `<text x="${cx}" y="${y + 5}" font-family="${MONO}" font-size="13" font-weight="bold" text-anchor="middle" fill="${INK}">${escape(m.char)}</text>`
      );
    case 'C':
      return `<line x1="${cx}" y1="${y - 13}" x2="${cx}" y2="${y + 13}" stroke="${INK}" stroke-width="3"/>`;
    case 'E':
      return (
        `<line x1="${cx - 8}" y1="${y - 8}" x2="${cx + 8}" y2="${y + 8}" stroke="${ERROR}" stroke-width="3.5"/>` +
        `<line x1="${cx - 8}" y1="${y + 8}" x2="${cx + 8}" y2="${y - 8}" stroke="${ERROR}" stroke-width="3.5"/>`
      );
  }
}

function faded(m: Mark, drawn: string): string {
  return m.faded ? `<g opacity="0.3">${drawn}</g>` : drawn;
}

function fill(char: string): string {
  return FILLS[char.charCodeAt(0) % FILLS.length];
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
