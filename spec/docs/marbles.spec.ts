import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestScheduler } from 'rxjs/testing';
import { docsDir, svgDir } from '../../docs/marbles/generate';
import { renderDocs } from '../../docs/marbles/render';
import { textLines } from '../../docs/marbles/text';
import type { Line } from '../../docs/marbles/text';

/**
 * The marble lessons (docs/marbles.md, and a picture per lesson in docs/marbles/) are
 * drawn from real runs of each pattern under `TestScheduler.run`: the outputs'
 * notifications with their frames, and each input's subscription log (`^` to `!`).
 * This spec runs every lesson again and checks that the committed files are exactly what
 * those runs draw now, so a change of behaviour fails here until `npm run marbles` is
 * run and the new pictures are committed. It also checks that each text diagram is
 * real marbles (every line parses back to what was recorded) and that each picture is
 * well-formed SVG with one timeline per input subscription and per output.
 */
describe('docs/marbles', () => {
  const docs = renderDocs();
  const stale = 'is stale: run `npm run marbles` and commit docs/';

  it('docs/marbles.md is what the lessons draw when run now', () => {
    const committed = readFileSync(join(docsDir, 'marbles.md'), 'utf8');
    if (committed !== docs.markdown) throw new Error(`docs/marbles.md ${stale}\n\n${firstDifference(committed, docs.markdown)}`);
  });

  it('docs/marbles/ holds one picture per lesson, each what its lesson draws when run now', () => {
    const committed = readdirSync(svgDir).filter((name) => name.endsWith('.svg'));
    expect(committed.sort()).toEqual([...docs.svgs.keys()].sort());
    for (const [name, svg] of docs.svgs) {
      if (readFileSync(join(svgDir, name), 'utf8') !== svg) throw new Error(`docs/marbles/${name} ${stale}`);
    }
  });

  describe.each(docs.diagrams.map((d) => [d.recording.lesson.id, d] as const))('lesson %s', (_, diagram) => {
    const { inputs, outputs } = diagram.recording;

    it('is well-formed SVG with one timeline per input subscription and per output', () => {
      const elements = parseXml(docs.svgs.get(`${diagram.recording.lesson.id}.svg`)!);
      expect(elements[0]).toEqual({ name: 'svg', attributes: expect.objectContaining({ xmlns: 'http://www.w3.org/2000/svg' }) });
      const timelines = elements.filter((e) => e.name === 'g' && e.attributes.class === 'timeline');
      const expected = inputs.reduce((n, input) => n + Math.max(1, input.subscriptions.length), 0) + outputs.length;
      expect(timelines.length).toBe(expected);
      expect(timelines.filter((t) => t.attributes['data-role'] === 'output').length).toBe(outputs.length);
    });

    it('draws every notification at the frame it was recorded, and every subscription as logged', () => {
      for (const timeline of diagram.timelines) {
        const drawn = timeline.marks.map(({ frame, kind }) => ({ frame, kind }));
        if (timeline.role === 'output') {
          const output = outputs.find((o) => o.name === timeline.label)!;
          expect(drawn).toEqual(output.notifications.map(({ frame, kind }) => ({ frame, kind })));
        } else {
          const input = inputs.find((i) => i.name === timeline.label)!;
          const origin = input.kind === 'cold' ? timeline.origin : 0;
          expect(drawn).toEqual(input.messages.map(({ frame, kind }) => ({ frame: frame + origin, kind })));
        }
      }
      for (const input of inputs) {
        const bands = diagram.timelines.filter((t) => t.label === input.name && t.band).map((t) => t.band);
        expect(bands).toEqual(input.subscriptions);
      }
    });

    it('writes text marbles that parse back (TestScheduler, run mode) to what is drawn', () => {
      // Parsed inside run(), where one character is one frame (outside it, ten).
      new TestScheduler(() => undefined).run(() => {
        for (const line of textLines(diagram)) check(line);
      });
      function check(line: Line): void {
        if (line.means.type === 'subscription') {
          const { subscribedFrame, unsubscribedFrame } = TestScheduler.parseMarblesAsSubscriptions(line.marbles, true);
          expect({ from: subscribedFrame, to: unsubscribedFrame }).toEqual(line.means.span);
        } else if (line.means.type === 'notifications') {
          const { marks, origin } = line.means.timeline;
          const parsed = TestScheduler.parseMarbles(line.marbles, undefined, undefined, false, true);
          expect(parsed.map(({ frame, notification: n }) => ({ frame, kind: n.kind, char: n.kind === 'N' ? n.value : n.kind === 'E' ? '#' : '|' }))).toEqual(
            marks.map(({ frame, kind, char }) => ({ frame: frame - origin, kind, char })),
          );
        }
      }
    });
  });

  it('the XML check below refuses what is not well-formed', () => {
    expect(parseXml('<svg a="1"><g/><text>x &amp; y</text></svg>').map((e) => e.name)).toEqual(['svg', 'g', 'text']);
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(() => parseXml('<svg><g></g>')).toThrow();
    expect(() => parseXml('<svg a=1></svg>')).toThrow();
    expect(() => parseXml('<svg>a & b</svg>')).toThrow();
    expect(() => parseXml('<svg></svg><svg></svg>')).toThrow();
  });
});

interface Element {
  name: string;
  attributes: Record<string, string>;
}

/**
 * A tiny well-formedness check, enough for the SVG we write: one root element, every
 * tag closed in order, attributes quoted and not repeated, no stray `<` or `&` in text
 * or attribute values. Returns the elements in document order.
 */
function parseXml(xml: string): Element[] {
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  const strayAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const elements: Element[] = [];
  const open: string[] = [];
  let rootDone = false;
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt < 0 ? xml.length : lt);
    if (strayAmpersand.test(text)) throw new Error(`stray & in text: ${text}`);
    if (text.trim() && !open.length) throw new Error(`text outside the root element: ${text.trim()}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const match = tag.exec(xml);
    if (!match) throw new Error(`malformed tag: ${xml.slice(lt, lt + 40)}`);
    const [whole, closing, name, attributeText, selfClosing] = match;
    if (closing) {
      if (attributeText || selfClosing) throw new Error(`malformed end tag: ${whole}`);
      if (open.pop() !== name) throw new Error(`</${name}> does not close the element open`);
      if (!open.length) rootDone = true;
    } else {
      if (rootDone) throw new Error(`a second root element: <${name}>`);
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attributeText.matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
        if (key in attributes) throw new Error(`<${name}> repeats ${key}`);
        if (strayAmpersand.test(value)) throw new Error(`stray & in ${key}="${value}"`);
        attributes[key] = value;
      }
      elements.push({ name, attributes });
      if (selfClosing && !open.length) rootDone = true;
      if (!selfClosing) open.push(name);
    }
    at = lt + whole.length;
  }
  if (open.length) throw new Error(`<${open[open.length - 1]}> is never closed`);
  if (!elements.length) throw new Error('no root element');
  return elements;
}

/** The first line where two texts differ, to say which lesson went stale. */
function firstDifference(committed: string, now: string): string {
  const a = committed.split('\n');
  const b = now.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  const n = line < 0 ? a.length : line;
  return `line ${n + 1}:\n  committed: ${a[n] ?? '(end of file)'}\n  now:       ${b[n] ?? '(end of file)'}`;
}
