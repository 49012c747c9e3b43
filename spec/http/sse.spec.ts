import fc from 'fast-check';
import { LineSplitter, SseParser, eventParser } from '../../lib/http/sse';
import type { ServerSentEvent } from '../../lib/http/sse';

/** Feeds `chunks` to a fresh parser and returns every event. */
function parse(...chunks: string[]): ServerSentEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const event = (data: string, extra: Partial<ServerSentEvent> = {}): ServerSentEvent => ({ type: 'message', data, id: '', retry: undefined, ...extra });

/** The WHATWG EventSource parsing rules ("Parsing an event stream"), case by case. */
describe('SseParser', () => {
  it('dispatches an event at a blank line, type "message" by default', () => {
    expect(parse('data: hello\n\n')).toEqual([event('hello')]);
  });

  it('joins several data lines with LF', () => {
    expect(parse('data: YHOO\ndata: +2\ndata: 10\n\n')).toEqual([event('YHOO\n+2\n10')]);
  });

  it('ignores comments, and dispatches nothing for a block without data', () => {
    expect(parse(': test stream\n\ndata: first event\nid: 1\n\n')).toEqual([event('first event', { id: '1' })]);
  });

  it('carries the last event id over to later events, and keeps an empty id when set empty', () => {
    expect(parse('id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n')).toEqual([event('a', { id: '7' }), event('b', { id: '7' }), event('c', { id: '' })]);
  });

  it('ignores an id that holds a NUL', () => {
    expect(parse('id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n')).toEqual([event('a', { id: '1' }), event('b', { id: '1' })]);
  });

  it('sets retry only from digits, and only on the event that set it', () => {
    expect(parse('retry: 3000\ndata: a\n\ndata: b\n\nretry: 1.5\ndata: c\n\n')).toEqual([event('a', { retry: 3000 }), event('b'), event('c')]);
  });

  it('takes the event field as the type, for that event only', () => {
    expect(parse('event: add\ndata: 73857293\n\ndata: x\n\n')).toEqual([event('73857293', { type: 'add' }), event('x')]);
  });

  it('drops one space after the colon, keeps the rest, and reads a field without a colon as empty', () => {
    expect(parse('data:no space\n\ndata:  two spaces\n\ndata\n\n')).toEqual([event('no space'), event(' two spaces'), event('')]);
  });

  it('ignores unknown fields', () => {
    expect(parse('foo: bar\ndata: a\n\n')).toEqual([event('a')]);
  });

  it('breaks lines at LF, CRLF and CR alike', () => {
    const expected = [event('a\nb')];
    expect(parse('data: a\ndata: b\n\n')).toEqual(expected);
    expect(parse('data: a\r\ndata: b\r\n\r\n')).toEqual(expected);
    expect(parse('data: a\rdata: b\r\r')).toEqual(expected);
  });

  it('reads a byte order mark as text: part of a field name (UTF-8 decoding drops the leading one)', () => {
    expect(parse('data: a\n\n\ufeffdata: b\n\n')).toEqual([event('a')]);
  });

  it('drops an event that the stream ends in the middle of', () => {
    expect(parse('data: a\n\ndata: b\n')).toEqual([event('a')]);
  });

  it('gives the same events however the stream is cut into chunks (a CRLF cut in two included)', () => {
    const stream = '\ufeff: hi\r\nid: 1\r\nevent: tick\r\ndata: a\r\ndata: b\r\n\r\nretry: 50\ndata: c\r\rdata: d\n\n';
    const whole = parse(stream);
    expect(whole).toEqual([event('a\nb', { type: 'tick', id: '1' }), event('c', { id: '1', retry: 50 }), event('d', { id: '1' })]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
        const chunks = at.slice(1).map((end, i) => stream.slice(at[i], end));
        expect(parse(...chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('LineSplitter', () => {
  it('splits at LF and CRLF, the last line given at the end', () => {
    const lines = new LineSplitter(false);
    expect(lines.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(':2}\r\n{"c":3}\r')).toEqual(['{"b":2}']);
    expect(lines.push('\n')).toEqual(['{"c":3}']);
    expect(lines.end()).toBeUndefined();
  });

  it('keeps empty lines, and a last line without a break', () => {
    const lines = new LineSplitter(false);
    expect(lines.push('a\n\nb')).toEqual(['a', '']);
    expect(lines.end()).toBe('b');
  });
});

/** `session.sse()`'s parser: the bytes of the stream, UTF-8 decoded, then SseParser. */
describe('eventParser', () => {
  function events(...chunks: number[][]): ServerSentEvent[] {
    const parser = eventParser();
    const out: ServerSentEvent[] = [];
    for (const chunk of chunks) parser.push(Uint8Array.from(chunk), (e) => out.push(e));
    parser.end((e) => out.push(e));
    return out;
  }
  const BOM = [0xef, 0xbb, 0xbf];
  const text = (t: string): number[] => [...Buffer.from(t)];

  it('drops one leading byte order mark, even cut across chunks', () => {
    expect(events([...BOM, ...text('data: a\n\n')])).toEqual([event('a')]);
    expect(events([0xef], [0xbb, 0xbf, ...text('data: a\n\n')])).toEqual([event('a')]);
  });

  it('reads a second byte order mark as the start of a field name', () => {
    expect(events([...BOM, ...BOM, ...text('data: a\n\ndata: b\n\n')])).toEqual([event('b')]);
  });
});
