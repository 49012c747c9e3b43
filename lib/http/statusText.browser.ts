/**
 * The browser build's lib/http/statusText.ts: the reason phrases of RFC 9110 (and 429),
 * without node:http. None for 1xx: an interim answer is never a session's response.
 */

/** The phrases of each class of status (2xx at 2), by the code's last two digits; `''` for a code without one. */
const PHRASES: readonly (readonly string[])[] = [
  '',
  '',
  'OK|Created|Accepted|Non-Authoritative Information|No Content|Reset Content|Partial Content',
  'Multiple Choices|Moved Permanently|Found|See Other|Not Modified|||Temporary Redirect|Permanent Redirect',
  'Bad Request|Unauthorized|Payment Required|Forbidden|Not Found|Method Not Allowed|Not Acceptable|Proxy Authentication Required|' +
    'Request Timeout|Conflict|Gone|Length Required|Precondition Failed|Payload Too Large|URI Too Long|Unsupported Media Type|' +
    "Range Not Satisfiable|Expectation Failed|I'm a Teapot|||Misdirected Request|Unprocessable Entity||||Upgrade Required||" +
    'Precondition Required|Too Many Requests',
  'Internal Server Error|Not Implemented|Bad Gateway|Service Unavailable|Gateway Timeout|HTTP Version Not Supported',
].map((phrases) => phrases.split('|'));

/** The reason phrase of `status` (`'Not Found'`), or `''` for a code without one. */
export function statusText(status: number): string {
  return PHRASES[Math.floor(status / 100)]?.[status % 100] ?? '';
}
