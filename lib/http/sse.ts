/**
 * Streamed bodies as the session's `stream()`, `lines()` and `sse()` emit them: chunks
 * decoded as text, cut into lines and into Server-Sent Events by pure state machines fed
 * as the chunks arrive, so a character, a line or an event split across chunks comes out
 * whole.
 */
import { decodeBytes } from './bytes';

/** What turns the chunks of a streamed body into the values its Observable emits. */
export interface ChunkParser<T> {
  /** A chunk of the body: each value it completes goes to `emit`. */
  push(chunk: Uint8Array, emit: (value: T) => void): void;
  /** The body has ended: what is left goes to `emit`. */
  end(emit: (value: T) => void): void;
}

/** `session.stream()`: the chunks as they are. */
export const chunkParser: ChunkParser<Uint8Array> = {
  push: (chunk, emit) => emit(chunk),
  end: () => undefined,
};

/**
 * `session.lines()`: the body's text, in `charset` (UTF-8 when `undefined` or unknown),
 * cut at LF and CRLF (the break left out); a last line without a break comes at the end.
 */
export function lineParser(charset: string | undefined): ChunkParser<string> {
  const decode = textStream(charset);
  const lines = new LineSplitter(false);
  return {
    push: (chunk, emit) => lines.push(decode(chunk)).forEach((line) => emit(line)),
    end: (emit) => {
      const rest = lines.push(decode(undefined));
      rest.forEach((line) => emit(line));
      const last = lines.end();
      if (last !== undefined) emit(last);
    },
  };
}

/** `session.sse()`: the events of an event stream, always UTF-8 (as EventSource reads it). */
export function eventParser(): ChunkParser<ServerSentEvent> {
  const decode = textStream(undefined);
  const events = new SseParser();
  return {
    push: (chunk, emit) => events.push(decode(chunk)).forEach((event) => emit(event)),
    end: (emit) => events.push(decode(undefined)).forEach((event) => emit(event)),
  };
}

/**
 * A decoder of text that comes in chunks, in the WHATWG encoding that `label` names
 * (UTF-8 when `undefined` or unknown to `TextDecoder`, as browsers read an unknown one):
 * called with each chunk, it gives the text that chunk completes (a character cut across
 * two chunks comes out whole), then with `undefined` the rest. A leading byte order mark
 * of that encoding is dropped. windows-1252 (`latin1`, `iso-8859-1`, `ascii`) goes
 * through `decodeBytes`, which reads it right where Node's `TextDecoder` does not; one
 * byte is one character, so no chunk cuts one.
 */
export function textStream(label: string | undefined): (chunk: Uint8Array | undefined) => string {
  const decoder = decoderFor(label);
  if (decoder.encoding === 'windows-1252') return (chunk) => (chunk === undefined ? '' : decodeBytes(chunk, 'windows-1252'));
  return (chunk) => (chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true }));
}

function decoderFor(label: string | undefined) {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder();
  }
}

/** One Server-Sent Event, as the WHATWG EventSource parsing rules make it. */
export interface ServerSentEvent {
  /** The `event:` field of the event, `'message'` when it has none. */
  readonly type: string;
  /** Its `data:` lines, joined with `'\n'`. */
  readonly data: string;
  /** The last event id seen on the stream (it carries over to later events), `''` before any. */
  readonly id: string;
  /** The reconnection time this event set (`retry:` with digits only), else `undefined`. */
  readonly retry: number | undefined;
}

/**
 * Splits text into lines at LF, CRLF or CR (`crIsBreak`), a line break split across
 * two chunks counting once. `push` returns the lines completed by a chunk; `end` the
 * last line, if the text did not end with a break.
 */
export class LineSplitter {
  private partial = '';
  /** The previous chunk ended with CR: an LF starting this one belongs to that break. */
  private afterCr = false;

  constructor(private readonly crIsBreak: boolean) {}

  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    if (this.afterCr && chunk.startsWith('\n')) start = 1;
    this.afterCr = false;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF || (c === CR && this.crIsBreak)) {
        lines.push(this.partial + chunk.slice(start, i));
        this.partial = '';
        if (c === CR) {
          if (i + 1 === chunk.length) this.afterCr = true;
          else if (chunk.charCodeAt(i + 1) === LF) i++;
        }
        start = i + 1;
      }
    }
    this.partial += chunk.slice(start);
    // Without CR as a break, a CRLF still ends a line: its CR is not part of the line.
    return this.crIsBreak ? lines : lines.map(dropCr);
  }

  end(): string | undefined {
    const last = this.crIsBreak ? this.partial : dropCr(this.partial);
    this.partial = '';
    return last === '' ? undefined : last;
  }
}

const LF = 10;
const CR = 13;

function dropCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * The WHATWG EventSource parser (html.spec.whatwg.org, "Parsing an event stream"), fed
 * the stream's text as UTF-8 decoding makes it (which drops one leading BOM: a second is
 * text, the start of a field name); lines break at LF, CRLF or CR; a line starting with `:` is a
 * comment; `field: value` (one space after the colon dropped) sets `event`, `data`
 * (lines joined with LF), `id` (unless it holds a NUL) or `retry` (digits only); a
 * blank line dispatches the event if it has data. An event the stream ends in the
 * middle of is dropped.
 */
export class SseParser {
  private readonly lines = new LineSplitter(true);
  private type = '';
  private data = '';
  private hasData = false;
  private lastId = '';
  private retry: number | undefined = undefined;

  /** The events completed by `chunk`. */
  push(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    for (const line of this.lines.push(chunk)) {
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const event: ServerSentEvent | undefined = this.hasData ? { type: this.type || 'message', data: this.data, id: this.lastId, retry: this.retry } : undefined;
    this.type = '';
    this.data = '';
    this.hasData = false;
    this.retry = undefined;
    return event;
  }
}
