// Draws a diagram as text marbles, one column per frame, in RxJS's own marble syntax:
// every line parses back (TestScheduler.parseMarbles, run mode) to what was recorded,
// which spec/docs/marbles.spec.ts checks.

import type { Diagram, Mark, Timeline } from './diagram';
import type { Span } from './record';

export interface Line {
  label: string;
  marbles: string;
  /** What the line stands for, so that a test can parse it back and compare. */
  means: { type: 'ruler' } | { type: 'notifications'; timeline: Timeline } | { type: 'subscription'; span: Span };
}

export function textLines(diagram: Diagram): Line[] {
  const lines: Line[] = [{ label: 'frame', marbles: ruler(diagram.frames), means: { type: 'ruler' } }];
  for (const timeline of diagram.timelines) {
    // A cold input's marbles start at its subscription; spaces take no time in run mode.
    const lead = timeline.source === 'cold' ? ' '.repeat(timeline.origin) : '';
    const relative = timeline.marks.map((m) => ({ ...m, frame: m.frame - timeline.origin }));
    // A line that never ends runs on to the end of the diagram, or to its consumer's `!`.
    const until = timeline.role === 'output' && timeline.band && timeline.band.to !== Infinity ? timeline.band.to : diagram.frames;
    lines.push({
      label: timeline.label,
      marbles: lead + marbles(relative, until - timeline.origin),
      means: { type: 'notifications', timeline },
    });
    if (timeline.band) lines.push({ label: '', marbles: subscription(timeline.band), means: { type: 'subscription', span: timeline.band } });
  }
  return lines;
}

/** The diagram as one block of text: the lines in columns, then the legend. */
export function textDiagram(diagram: Diagram): string {
  const lines = textLines(diagram);
  const width = Math.max(...lines.map((l) => l.label.length)) + 2;
  const body = lines.map((l) => (l.label.padEnd(width) + l.marbles).trimEnd());
  return [...body, ...(diagram.legend.length ? ['', ...diagram.legend] : [])].join('\n');
}

/**
 * Marbles from frame 0 of `marks` (frames relative to the line's start). Notifications of
 * one frame are grouped, `(r|)`; as in RxJS, a group's characters take columns (frames)
 * too, so columns always match frames. A line that never ends runs on to `frames`.
 */
export function marbles(marks: Mark[], frames: number): string {
  let out = '';
  let column = 0;
  const frameList = [...new Set(marks.map((m) => m.frame))].sort((a, b) => a - b);
  for (const frame of frameList) {
    const chars = marks.filter((m) => m.frame === frame).map((m) => m.char);
    if (frame < column) throw new Error(`cannot draw ${chars.join('')} at frame ${frame}: the group before it takes columns up to ${column - 1}`);
    out += '-'.repeat(frame - column) + (chars.length === 1 ? chars[0] : `(${chars.join('')})`);
    column = frame + (chars.length === 1 ? 1 : chars.length + 2);
  }
  const ends = marks.some((m) => m.kind !== 'N');
  return ends ? out : out + '-'.repeat(Math.max(0, frames - column));
}

/** `^` at the subscription, `!` at the unsubscription (none if never), `(^!)` when both fall in one frame. */
export function subscription(span: Span): string {
  const lead = '-'.repeat(span.from);
  if (span.to === Infinity) return `${lead}^`;
  if (span.to === span.from) return `${lead}(^!)`;
  return `${lead}^${'-'.repeat(span.to - span.from - 1)}!`;
}

/** Frame numbers every five columns. */
function ruler(frames: number): string {
  let out = '';
  for (let frame = 0; frame < frames; frame += 5) out = out.padEnd(frame) + String(frame);
  return out;
}
