/**
 * Responses (a `Content-Type` and the body's bytes) and what each `responseType` and
 * each shortcut must make of them: one table that spec/http/decoding.spec.ts runs on
 * every transport against a real server, on `fakeTransport`, and that
 * spec/angular/httpClientTransport.spec.ts runs over HttpClient, so the same response
 * gives the same `data` everywhere.
 */
import type { ResponseType } from '../../lib/http';

export interface DecodingRow {
  readonly name: string;
  /** The `Content-Type` sent (a list: the header sent once per value); none when left out. */
  readonly type?: string | readonly string[];
  /** The body as sent. */
  readonly body: Buffer;
  /** What `'auto'` makes of it. */
  readonly auto: 'bytes' | 'text' | 'json';
  /** Its text (what `'text'` gives, whatever the type). */
  readonly text: string;
  /** Its text parsed, when it is JSON. */
  readonly parsed?: unknown;
}

const hex = (digits: string): Buffer => Buffer.from(digits.replace(/\s/g, ''), 'hex');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

export const ROWS: readonly DecodingRow[] = [
  // Bytes: a type that is not textual, or none.
  { name: 'image/png: bytes', type: 'image/png', body: hex('89504e47 0d0a1a0a'), auto: 'bytes', text: '\ufffdPNG\r\n\x1a\n' },
  { name: 'application/octet-stream: bytes', type: 'application/octet-stream', body: hex('80 81 00 c3'), auto: 'bytes', text: '\ufffd\ufffd\0\ufffd' },
  { name: 'application/pdf: bytes', type: 'application/pdf', body: utf8('%PDF-1.4'), auto: 'bytes', text: '%PDF-1.4' },
  { name: 'no Content-Type: bytes (application/octet-stream, as RFC 9110 lets us assume)', body: hex('00 ff 7b 7d'), auto: 'bytes', text: '\0\ufffd{}' },
  { name: 'no Content-Type, an empty body: the empty string', body: Buffer.alloc(0), auto: 'text', text: '' },
  { name: 'image/png, an empty body: no bytes', type: 'image/png', body: Buffer.alloc(0), auto: 'bytes', text: '' },

  // Text in its charset.
  { name: 'text/plain: UTF-8 without a charset', type: 'text/plain', body: utf8('héllo €'), auto: 'text', text: 'héllo €' },
  { name: 'text/html; charset=gbk', type: 'text/html; charset=gbk', body: hex('d6d0cec4babad7d6'), auto: 'text', text: '中文汉字' },
  {
    name: 'text/plain; charset=GB18030 (a 4-byte sequence)',
    type: 'text/plain; charset=GB18030',
    body: hex('a2e3 95328236 d6d0'),
    auto: 'text',
    text: '€𠀀中',
  },
  {
    name: 'text/html; Charset="Shift_JIS" (quoted, any case)',
    type: 'text/html; Charset="Shift_JIS"',
    body: hex('82b182f182c982bf82cd'),
    auto: 'text',
    text: 'こんにちは',
  },
  { name: 'text/plain;charset=big5', type: 'text/plain;charset=big5', body: hex('a4a4a4e5'), auto: 'text', text: '中文' },
  { name: 'text/plain; charset=euc-kr', type: 'text/plain; charset=euc-kr', body: hex('c7d1b1b9beee'), auto: 'text', text: '한국어' },
  { name: 'TEXT/PLAIN; CHARSET=KOI8-R', type: 'TEXT/PLAIN; CHARSET=KOI8-R', body: hex('f0d2c9d7c5d4'), auto: 'text', text: 'Привет' },
  {
    name: 'text/html; charset=iso-8859-1: windows-1252, as WHATWG says (0x80 is €)',
    type: 'text/html; charset=iso-8859-1',
    body: hex('636166e9 20 a3 80'),
    auto: 'text',
    text: 'café £€',
  },
  { name: 'text/plain; charset=latin1: windows-1252 quotes', type: 'text/plain; charset=latin1', body: hex('93 6869 94 9f'), auto: 'text', text: '“hi”Ÿ' },
  { name: 'text/plain; charset=utf-16le', type: 'text/plain; charset=utf-16le', body: hex('68006900'), auto: 'text', text: 'hi' },
  { name: 'an unknown charset: UTF-8, as browsers read one', type: 'text/plain; charset=x-nope', body: utf8('中'), auto: 'text', text: '中' },
  { name: "a charset WHATWG maps to 'replacement' (iso-2022-kr): UTF-8", type: 'text/plain; charset=iso-2022-kr', body: utf8('中'), auto: 'text', text: '中' },
  {
    name: 'a UTF-8 byte order mark wins over the charset, and is dropped',
    type: 'text/plain; charset=gbk',
    body: hex('efbbbf e4b8ad'),
    auto: 'text',
    text: '中',
  },
  { name: 'a UTF-16BE byte order mark without a charset', type: 'text/plain', body: hex('feff 0068 0069'), auto: 'text', text: 'hi' },
  { name: 'a UTF-16LE byte order mark wins over charset=utf-8', type: 'text/plain; charset=utf-8', body: hex('fffe 6800 6900'), auto: 'text', text: 'hi' },
  { name: 'text/plain with JSON in it: text (the type says so)', type: 'text/plain', body: utf8('{"a":1}'), auto: 'text', text: '{"a":1}', parsed: { a: 1 } },
  { name: 'application/xml', type: 'application/xml', body: utf8('<a>ü</a>'), auto: 'text', text: '<a>ü</a>' },
  { name: 'image/svg+xml: text (+xml)', type: 'image/svg+xml', body: utf8('<svg/>'), auto: 'text', text: '<svg/>' },
  { name: 'application/javascript', type: 'application/javascript', body: utf8('x = 1;'), auto: 'text', text: 'x = 1;' },
  { name: 'application/x-www-form-urlencoded', type: 'application/x-www-form-urlencoded', body: utf8('a=1&b=2'), auto: 'text', text: 'a=1&b=2' },
  { name: 'application/x-ndjson', type: 'application/x-ndjson', body: utf8('{"a":1}\n{"a":2}\n'), auto: 'text', text: '{"a":1}\n{"a":2}\n' },

  // JSON.
  { name: 'application/json', type: 'application/json', body: utf8('{"a":[1,"中"]}'), auto: 'json', text: '{"a":[1,"中"]}', parsed: { a: [1, '中'] } },
  {
    name: 'application/problem+json; charset=utf-8',
    type: 'application/problem+json; charset=utf-8',
    body: utf8('{"title":"x"}'),
    auto: 'json',
    text: '{"title":"x"}',
    parsed: { title: 'x' },
  },
  { name: 'text/json', type: 'text/json', body: utf8('[1,2]'), auto: 'json', text: '[1,2]', parsed: [1, 2] },
  {
    name: 'application/json; charset=gbk: the text in its charset, parsed',
    type: 'application/json; charset=gbk',
    body: Buffer.concat([utf8('{"k":"'), hex('d6d0cec4'), utf8('"}')]),
    auto: 'json',
    text: '{"k":"中文"}',
    parsed: { k: '中文' },
  },
  { name: 'Application/JSON that is not JSON: its text', type: 'Application/JSON', body: utf8('not json'), auto: 'json', text: 'not json' },
  { name: 'application/json, an empty body: the empty string', type: 'application/json', body: Buffer.alloc(0), auto: 'json', text: '' },
  { name: 'application/json, a JSON null', type: 'application/json', body: utf8('null'), auto: 'json', text: 'null', parsed: null },

  // A Content-Type received twice: the last value counts, as fetch reads it.
  {
    name: 'Content-Type sent twice (application/json, then text/plain; charset=gbk): the last',
    type: ['application/json', 'text/plain; charset=gbk'],
    body: hex('d6d0cec4'),
    auto: 'text',
    text: '中文',
  },
  {
    name: 'Content-Type sent twice (text/plain, then image/png): the last',
    type: ['text/plain', 'image/png'],
    body: utf8('png?'),
    auto: 'bytes',
    text: 'png?',
  },
];

/** How a `data` is compared: bytes as `{ bytes: hex }` (a Buffer and a Uint8Array alike), anything else as it is. */
export function shown(data: unknown): unknown {
  return data instanceof Uint8Array ? { bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex') } : data;
}

/** What `data` must be for `row` under `responseType` (`undefined`: the default), as {@link shown} shows it. */
export function expected(row: DecodingRow, responseType: ResponseType | undefined): unknown {
  const bytes = { bytes: row.body.toString('hex') };
  const json = 'parsed' in row ? row.parsed : row.text;
  switch (responseType ?? 'auto') {
    case 'auto':
      return row.auto === 'bytes' ? bytes : row.auto === 'text' ? row.text : json;
    case 'text':
      return row.text;
    case 'json':
      return json;
    default:
      return bytes;
  }
}

/** Every `responseType`, and the default. */
export const RESPONSE_TYPES: readonly (ResponseType | undefined)[] = [undefined, 'auto', 'text', 'json', 'bytes', 'arraybuffer'];

/** What `session.json()` must give for `row`: its parsed text, `null` for an empty body, else a SyntaxError. */
export function expectedJson(row: DecodingRow): unknown {
  if (row.text.trim() === '') return null;
  return 'parsed' in row ? row.parsed : SyntaxError;
}

/** The headers that carry `row`'s `Content-Type`, as a list of values per name. */
export function typeHeaders(row: DecodingRow): Record<string, string[]> {
  return row.type === undefined ? {} : { 'Content-Type': typeof row.type === 'string' ? [row.type] : [...row.type] };
}
