// Turns a recording into a diagram: one timeline per input subscription and per output,
// each notification placed at its frame with the character that stands for it, and a
// legend for the values that no single character can show. text.ts and svg.ts draw
// this same diagram, so the text and the picture always agree.

import type { Recorded, Recording, Span } from './record';

export interface Mark {
  /** Absolute frame. */
  frame: number;
  kind: Recorded['kind'];
  /** The marble character: the value itself, an input's name, a legend letter, `#` or `|`. */
  char: string;
  /** Part of a cold input's script that never happened (after its `!`), or a hot value it missed. */
  faded: boolean;
}

export interface Timeline {
  label: string;
  role: 'input' | 'output';
  source: 'cold' | 'hot' | 'output';
  /** The frame a cold input's own marbles start at (its subscription); 0 otherwise. */
  origin: number;
  marks: Mark[];
  /** The subscription, from `^` to `!`: every input's, and an output's when its consumer is given. */
  band?: Span;
}

export interface Diagram {
  recording: Recording;
  timelines: Timeline[];
  /** Frames from 0 to the last thing that happens, inclusive. */
  frames: number;
  legend: string[];
}

/** Letters handed out to values that need a legend, in this order, skipping those in use. */
const LETTERS = 'rstuvwpqmnkjhgfedcbaxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function toDiagram(recording: Recording): Diagram {
  const all = [...recording.inputs.flatMap((i) => i.messages), ...recording.outputs.flatMap((o) => o.notifications)];
  const used = new Set(all.map((r) => r.literal).filter((c): c is string => c !== undefined));
  const letters = new Map<string, string>();
  const free = [...LETTERS].filter((c) => !used.has(c));
  for (const r of all) {
    if (r.kind !== 'N' || r.literal !== undefined || letters.has(r.text)) continue;
    const letter = free.shift();
    if (letter === undefined) throw new Error(`${recording.lesson.id}: too many values to name`);
    letters.set(r.text, letter);
  }
  const char = (r: Recorded) => (r.kind === 'C' ? '|' : r.kind === 'E' ? '#' : (r.literal ?? letters.get(r.text)!));

  const timelines: Timeline[] = [];
  const unsubscribed: string[] = [];
  for (const input of recording.inputs) {
    const spans: Array<Span | undefined> = input.subscriptions.length ? input.subscriptions : [undefined];
    if (!input.subscriptions.length) unsubscribed.push(input.name);
    for (const band of spans) {
      const origin = input.kind === 'cold' ? (band?.from ?? 0) : 0;
      const absolute = input.messages.map((m) => ({ ...m, frame: m.frame + origin }));
      const end = absolute.find((m) => m.kind !== 'N')?.frame;
      const happened = (frame: number) => band !== undefined && frame >= band.from && (frame < band.to || (frame === band.to && end === band.to));
      timelines.push({
        label: input.name,
        role: 'input',
        source: input.kind,
        origin,
        marks: absolute.map((m) => ({ frame: m.frame, kind: m.kind, char: char(m), faded: !happened(m.frame) })),
        ...(band ? { band } : {}),
      });
    }
  }
  for (const output of recording.outputs) {
    // The consumer's subscription, as long as it really lasted: to its `!`, or to the
    // output's own completion or error, as an input's subscription log ends.
    const ended = output.notifications.find((n) => n.kind !== 'N')?.frame ?? Infinity;
    const band = { from: output.consumer.from, to: Math.min(output.consumer.to, ended) };
    timelines.push({
      label: output.name,
      role: 'output',
      source: 'output',
      origin: 0,
      marks: output.notifications.map((n) => ({ frame: n.frame, kind: n.kind, char: char(n), faded: false })),
      ...(output.explicitConsumer ? { band } : {}),
    });
  }

  const lastFrame = Math.max(
    0,
    ...timelines.flatMap((t) => [...t.marks.map((m) => m.frame), ...(t.band ? [t.band.from, t.band.to] : [])].filter(Number.isFinite)),
  );

  const legend = [...letters].map(([text, letter]) => `${letter} = ${text}`);
  // Errors: an input's plain `#` (the string 'error') needs no word; every other one does.
  const errors = new Map<string, string[]>();
  const erred = (label: string, records: Recorded[], plainIsSilent: boolean) => {
    for (const r of records) {
      if (r.kind !== 'E' || (plainIsSilent && r.text === "'error'")) continue;
      const on = errors.get(r.text) ?? [];
      if (!on.includes(label)) on.push(label);
      errors.set(r.text, on);
    }
  };
  for (const input of recording.inputs) erred(input.name, input.messages, true);
  for (const output of recording.outputs) erred(output.name, output.notifications, false);
  const erring = [...errors.values()].flat().length;
  for (const [text, on] of errors) legend.push(erring > 1 ? `# = ${text} (on ${on.join(', ')})` : `# = ${text}`);
  for (const name of unsubscribed) legend.push(`${name} was never subscribed`);

  return { recording, timelines, frames: lastFrame + 1, legend };
}
