import { request } from 'node:http';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { CHAOS_KINDS, chaosFault } from '../../lib/testing/httpbin';
import type { ChaosKind } from '../../lib/testing/httpbin';
import { call, json } from './rawClient';
import { ResourceTracker } from './resources';

describe('startHttpbin', () => {
  let httpbin: Httpbin;
  const resources = new ResourceTracker();

  beforeEach(async () => {
    resources.start();
    httpbin = await startHttpbin();
  });

  afterEach(async () => {
    await httpbin.close();
    expect(httpbin.openConnections).toBe(0);
    expect(httpbin.pendingTimers).toBe(0);
    expect(await resources.leaks()).toEqual([]);
    resources.stop();
  });

  it('listens on 127.0.0.1, a free port, and gives its URL without a trailing slash', () => {
    expect(httpbin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(httpbin.url).not.toMatch(/:0$/);
  });

  it('echoes /get like httpbin: args, Title-Case headers, origin, url', async () => {
    const { status, body } = await json(`${httpbin.url}/get?a=1&b=2&b=3`, { headers: { 'x-test': 'yes' } });
    expect(status).toBe(200);
    expect(body.args).toEqual({ a: '1', b: ['2', '3'] });
    expect(body.headers['X-Test']).toBe('yes');
    expect(body.headers.Host).toBe(httpbin.url.slice('http://'.length));
    expect(body.origin).toBe('127.0.0.1');
    expect(body.url).toBe(`${httpbin.url}/get?a=1&b=2&b=3`);
  });

  it('answers /get with 405 for other methods', async () => {
    const res = await call(`${httpbin.url}/get`, { method: 'POST', body: 'x' }).response;
    expect(res.status).toBe(405);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('echoes a %s to /anything with its method, body and json', async (method) => {
    const { status, body } = await json(`${httpbin.url}/anything/deep/path?q=1`, {
      method,
      body: '{"n":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ method, args: { q: '1' }, data: '{"n":1}', json: { n: 1 }, form: {}, files: {} });
    expect(body.url).toBe(`${httpbin.url}/anything/deep/path?q=1`);
  });

  it('parses a form body on /anything', async () => {
    const { body } = await json(`${httpbin.url}/anything`, {
      method: 'POST',
      body: 'a=1&b=x%20y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(body.form).toEqual({ a: '1', b: 'x y' });
    expect(body.json).toBeNull();
  });

  it.each([
    ['GET', 201],
    ['POST', 400],
    ['DELETE', 404],
    ['PUT', 500],
    ['GET', 503],
  ])('answers %s /status/%i with that status', async (method, code) => {
    const res = await call(`${httpbin.url}/status/${code}`, { method }).response;
    expect(res.status).toBe(code);
    expect(res.body.length).toBe(0);
  });

  it('answers /status/3xx with a Location', async () => {
    const res = await call(`${httpbin.url}/status/302`).response;
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/get');
  });

  it.each(['abc', '99', '600', '1234'])('answers /status/%s with 400', async (code) => {
    expect((await call(`${httpbin.url}/status/${code}`).response).status).toBe(400);
  });

  it('answers /delay/:seconds after that delay, fractional seconds allowed', async () => {
    const res = await call(`${httpbin.url}/delay/0.2?x=1`).response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).args).toEqual({ x: '1' });
    expect(res.headersAfter).toBeGreaterThanOrEqual(190);
  });

  it.each(['-1', 'x', '11', '1e1'])('answers /delay/%s with 400', async (arg) => {
    expect((await call(`${httpbin.url}/delay/${arg}`).response).status).toBe(400);
  });

  it('clears the /delay timer when the client goes away', async () => {
    const pending = call(`${httpbin.url}/delay/5`);
    pending.response.catch(() => undefined);
    await httpbin.waitForRequests(1);
    expect(httpbin.pendingTimers).toBe(1);
    pending.abort();
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('answers /bytes/:n with n random bytes', async () => {
    const [a, b] = await Promise.all([call(`${httpbin.url}/bytes/1024`).response, call(`${httpbin.url}/bytes/1024`).response]);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/octet-stream');
    expect(a.body.length).toBe(1024);
    expect(a.body.equals(b.body)).toBe(false);
    expect((await call(`${httpbin.url}/bytes/0`).response).body.length).toBe(0);
  });

  it('answers /bytes with a bad count with 400', async () => {
    expect((await call(`${httpbin.url}/bytes/-1`).response).status).toBe(400);
    expect((await call(`${httpbin.url}/bytes/${16 * 1024 * 1024 + 1}`).response).status).toBe(400);
  });

  it('answers /links/:n/:offset with an HTML page linking to the others of its set, as httpbin.org', async () => {
    const { status, headers, body } = await call(`${httpbin.url}/links/3/1`).response;
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(body.toString()).toBe("<html><head><title>Links</title></head><body><a href='/links/3/0'>0</a> 1 <a href='/links/3/2'>2</a> </body></html>");
    expect((await call(`${httpbin.url}/links/500/0`).response).body.toString().match(/<a /g)).toHaveLength(199);
    expect((await call(`${httpbin.url}/links/x/0`).response).status).toBe(400);
  });

  it("answers /json with httpbin's slideshow", async () => {
    const { status, body } = await json(`${httpbin.url}/json`);
    expect(status).toBe(200);
    expect(body.slideshow.title).toBe('Sample Slide Show');
    expect(body.slideshow.slides).toHaveLength(2);
  });

  it('never answers /hang, and sees the connection close when the client gives up', async () => {
    const pending = call(`${httpbin.url}/hang`);
    let settled = false;
    pending.response.then(
      () => (settled = true),
      () => (settled = true),
    );
    await httpbin.waitForRequests(1);
    expect(httpbin.openConnections).toBe(1);
    // A later request on another connection is answered, and still /hang is not.
    await call(`${httpbin.url}/get`).response;
    expect(settled).toBe(false);
    pending.abort();
    await httpbin.waitForOpenConnections(0);
  });

  it('destroys the socket on /reset', async () => {
    await expect(call(`${httpbin.url}/reset`).response).rejects.toMatchObject({ code: 'ECONNRESET' });
    await httpbin.waitForOpenConnections(0);
  });

  it('sends the /slow-body headers at once, then the body in chunks over that time', async () => {
    const res = await call(`${httpbin.url}/slow-body/0.5`).response;
    expect(res.status).toBe(200);
    expect(res.body.toString().trim().split('\n')).toEqual(['chunk 1 of 5', 'chunk 2 of 5', 'chunk 3 of 5', 'chunk 4 of 5', 'chunk 5 of 5']);
    expect(res.chunks).toBeGreaterThanOrEqual(3);
    expect(res.headersAfter).toBeLessThan(250);
    expect(res.endAfter).toBeGreaterThanOrEqual(490);
  });

  it('clears the /slow-body timers when the client goes away', async () => {
    const pending = call(`${httpbin.url}/slow-body/5`);
    pending.response.catch(() => undefined);
    await httpbin.waitForRequests(1);
    expect(httpbin.pendingTimers).toBe(1);
    pending.abort();
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it.each(['/', '/nope', '/get/extra', '/status', '/status/200/x', '/bytes'])('answers %s with 404', async (path) => {
    expect((await call(`${httpbin.url}${path}`).response).status).toBe(404);
  });

  it('counts requests, open connections and their peak', async () => {
    expect(httpbin.requests).toBe(0);
    const hangs = [call(`${httpbin.url}/hang`), call(`${httpbin.url}/hang`), call(`${httpbin.url}/hang`)];
    for (const hang of hangs) hang.response.catch(() => undefined);
    await httpbin.waitForRequests(3);
    expect(httpbin.openConnections).toBe(3);
    expect(httpbin.connections).toBe(3);
    expect(httpbin.activeRequests).toBe(3);
    hangs[0]!.abort();
    await httpbin.waitForOpenConnections(2);
    expect(httpbin.openConnections).toBe(2);
    expect(httpbin.maxOpenConnections).toBe(3);
    expect(httpbin.activeRequests).toBe(2);
    hangs[1]!.abort();
    hangs[2]!.abort();
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.maxOpenConnections).toBe(3);
    expect(httpbin.maxActiveRequests).toBe(3);
    expect(httpbin.activeRequests).toBe(0);
  });

  it('rejects a wait that is not met in time, with the counts in the message', async () => {
    const hang = call(`${httpbin.url}/hang`);
    hang.response.catch(() => undefined);
    await httpbin.waitForRequests(1);
    await expect(httpbin.waitForOpenConnections(0, 20)).rejects.toThrow('httpbin: 1 connections still open after 20 ms, waited for at most 0');
    await expect(httpbin.waitForRequests(2, 20)).rejects.toThrow('httpbin: 1 requests received after 20 ms, waited for 2');
    hang.abort();
    await httpbin.waitForOpenConnections(0);
  });

  it('closes every socket and timer on close(), in flight or idle', async () => {
    const hang = call(`${httpbin.url}/hang`);
    const delay = call(`${httpbin.url}/delay/5`);
    const slow = call(`${httpbin.url}/slow-body/5`);
    const requests = waitRejected(hang, delay, slow);
    await httpbin.waitForRequests(3);
    expect(httpbin.pendingTimers).toBe(2);
    const waiting = expect(httpbin.waitForRequests(10)).rejects.toThrow('httpbin: the server closed while a test was waiting on it');
    await httpbin.close();
    expect(httpbin.openConnections).toBe(0);
    expect(httpbin.pendingTimers).toBe(0);
    await waiting;
    await requests;
    expect(httpbin.close()).toBe(httpbin.close());
  });

  /**
   * The routes beyond what spec/parity checks against the real httpbin: the timed ones
   * (their pacing and their timers), the embedded httpbin's own choices, and its
   * refusals. Timing is checked by cause (the headers came while the server still had the
   * body's timers pending) and by lower bounds only.
   */
  describe('routes', () => {
    /**
     * The server's pending timers when the response headers reached the client (1 while
     * the body is still being paced: the routes below spread theirs over a second), then
     * the whole body.
     */
    function timersAtHeaders(path: string): Promise<{ status: number; timers: number; body: Buffer; headers: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const req = request(`${httpbin.url}${path}`, { agent: false }, (res) => {
          const timers = httpbin.pendingTimers;
          const parts: Buffer[] = [];
          res.on('data', (chunk: Buffer) => parts.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, timers, body: Buffer.concat(parts), headers: res.headers }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    }

    /** Starts a request, waits until the server has it, aborts it, and waits until its socket is gone. */
    async function abandon(path: string): Promise<number> {
      const received = httpbin.requests;
      const pending = call(`${httpbin.url}${path}`);
      pending.response.catch(() => undefined);
      await httpbin.waitForRequests(received + 1);
      const timers = httpbin.pendingTimers;
      pending.abort();
      await httpbin.waitForOpenConnections(0);
      return timers;
    }

    describe('/drip', () => {
      it('sends the headers, with the Content-Length, before the body has dripped', async () => {
        const res = await timersAtHeaders('/drip?duration=1&numbytes=6');
        expect(res.status).toBe(200);
        expect(res.headers['content-length']).toBe('6');
        expect(res.timers).toBe(1);
        expect(res.body.toString()).toBe('******');
      });

      it('spreads the body over the duration, and sends the headers after the delay', async () => {
        const res = await call(`${httpbin.url}/drip?duration=0.3&numbytes=3&delay=0.2`).response;
        expect(res.body.toString()).toBe('***');
        expect(res.headersAfter).toBeGreaterThanOrEqual(190);
        // One byte every 100 ms, the first at once: the last (and with it the Content-Length) at 200 ms.
        expect(res.endAfter).toBeGreaterThanOrEqual(390);
      });

      it('answers with the code asked for, and takes its arguments in any case', async () => {
        const res = await call(`${httpbin.url}/drip?NumBytes=2&Duration=0&Code=503`).response;
        expect(res.status).toBe(503);
        expect(res.body.toString()).toBe('**');
      });

      it.each(['numbytes=x', 'duration=-1', 'duration=11', 'delay=11', 'code=99', 'code=abc'])('answers /drip?%s with 400', async (query) => {
        expect((await call(`${httpbin.url}/drip?${query}`).response).status).toBe(400);
      });

      it('clears its timers when the client goes away, during the delay or the drip', async () => {
        expect(await abandon('/drip?delay=5')).toBe(1);
        expect(httpbin.pendingTimers).toBe(0);
        expect(await abandon('/drip?duration=5&numbytes=5')).toBe(1);
        expect(httpbin.pendingTimers).toBe(0);
      });
    });

    describe('/sse', () => {
      it('sends count ping events with ids from 0, as text/event-stream, the headers first', async () => {
        const res = await timersAtHeaders('/sse?count=3&duration=1');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream');
        expect(res.timers).toBe(1);
        const events = res.body
          .toString()
          .split('\n\n')
          .filter((block) => block !== '')
          .map((block) => block.split('\n'));
        expect(events.map((lines) => lines.slice(0, 2))).toEqual([0, 1, 2].map((id) => [`id: ${id}`, 'event: ping']));
        expect(events.map((lines) => JSON.parse(lines[2]!.slice('data: '.length)).id)).toEqual([0, 1, 2]);
      });

      it("takes go-httpbin's durations with units", async () => {
        const res = await call(`${httpbin.url}/sse?count=2&duration=100ms&delay=0s`).response;
        expect(res.body.toString().match(/^event: ping$/gm)).toHaveLength(2);
      });

      it.each(['count=0', 'count=x', 'duration=11', 'delay=-1'])('answers /sse?%s with 400', async (query) => {
        expect((await call(`${httpbin.url}/sse?${query}`).response).status).toBe(400);
      });

      it('clears its timers when the client goes away', async () => {
        expect(await abandon('/sse?count=5&duration=5')).toBe(1);
        expect(httpbin.pendingTimers).toBe(0);
      });
    });

    describe('/range', () => {
      it('spreads its chunks over the duration, the headers first', async () => {
        const res = await timersAtHeaders('/range/26?chunk_size=13&duration=1');
        expect(res.status).toBe(200);
        expect(res.timers).toBe(1);
        expect(res.body.toString()).toBe('abcdefghijklmnopqrstuvwxyz');
      });

      it('answers a size out of range with 404, as httpbin', async () => {
        expect((await call(`${httpbin.url}/range/0`).response).status).toBe(404);
        expect((await call(`${httpbin.url}/range/${100 * 1024 + 1}`).response).status).toBe(404);
      });
    });

    describe('bytes', () => {
      it('gives the same bytes for the same seed, on /bytes and /stream-bytes, and others for another seed', async () => {
        const [a, b, c, streamed] = await Promise.all(
          ['/bytes/256?seed=1', '/bytes/256?seed=1', '/bytes/256?seed=2', '/stream-bytes/256?seed=1&chunk_size=100'].map(
            (path) => call(`${httpbin.url}${path}`).response,
          ),
        );
        expect(a!.body.equals(b!.body)).toBe(true);
        expect(a!.body.equals(c!.body)).toBe(false);
        expect(streamed!.body.equals(a!.body)).toBe(true);
        expect(streamed!.headers['transfer-encoding']).toBe('chunked');
      });

      it('caps /stream-bytes at 100 KiB, as httpbin', async () => {
        expect((await call(`${httpbin.url}/stream-bytes/200000`).response).body.length).toBe(100 * 1024);
      });

      it('caps /stream at 100 lines, as httpbin', async () => {
        expect((await call(`${httpbin.url}/stream/150`).response).body.toString().trimEnd().split('\n')).toHaveLength(100);
      });
    });

    describe('methods', () => {
      it.each([
        ['GET', '/post', 'POST, OPTIONS'],
        ['POST', '/put', 'PUT, OPTIONS'],
        ['GET', '/delete', 'DELETE, OPTIONS'],
        ['PUT', '/headers', 'GET, HEAD, OPTIONS'],
        ['DELETE', '/response-headers', 'GET, HEAD, POST, OPTIONS'],
      ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
        const res = await call(`${httpbin.url}${path}`, { method }).response;
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe(allow);
      });

      it.each([
        ['/drip', 'GET, HEAD, OPTIONS'],
        ['/range/10', 'GET, HEAD, OPTIONS'],
        ['/delay/1', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
        ['/anything', 'GET, HEAD, POST, PUT, PATCH, DELETE, TRACE, OPTIONS'],
      ])('answers OPTIONS %s with 200, its Allow and no body, running nothing', async (path, allow) => {
        const res = await call(`${httpbin.url}${path}`, { method: 'OPTIONS' }).response;
        expect([res.status, res.headers.allow, res.body.length]).toEqual([200, allow, 0]);
      });

      it.each(['/drip', '/range/10', '/sse'])('refuses POST %s with 405, as httpbin does', async (path) => {
        const res = await call(`${httpbin.url}${path}`, { method: 'POST', body: 'x' }).response;
        expect([res.status, res.headers.allow]).toEqual([405, 'GET, HEAD, OPTIONS']);
      });

      it('answers OPTIONS on a route with 200 and its Allow', async () => {
        const res = await call(`${httpbin.url}/post`, { method: 'OPTIONS' }).response;
        expect(res.status).toBe(200);
        expect(res.headers.allow).toBe('POST, OPTIONS');
      });

      it('echoes a POST /delay body after the delay', async () => {
        const { body } = await json(`${httpbin.url}/delay/0.05`, {
          method: 'POST',
          body: 'a=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(body).toMatchObject({ form: { a: '1' }, data: '', files: {} });
      });
    });

    describe('statuses and redirects', () => {
      it('draws /status/:codes by weight (a weight of 0 is never drawn)', async () => {
        const statuses = await Promise.all(Array.from({ length: 5 }, () => call(`${httpbin.url}/status/200:0,201:1`).response.then((r) => r.status)));
        expect(statuses).toEqual([201, 201, 201, 201, 201]);
        expect((await call(`${httpbin.url}/status/200,x`).response).status).toBe(400);
      });

      it('answers /redirect/0 with 400 (httpbin fails with a 500) and /redirect/x with 404', async () => {
        expect((await call(`${httpbin.url}/redirect/0`).response).status).toBe(400);
        expect((await call(`${httpbin.url}/redirect/x`).response).status).toBe(404);
        expect((await call(`${httpbin.url}/redirect-to`).response).status).toBe(400);
      });

      it('answers /redirect-to with a 302 when the status_code asked for is not a 3xx', async () => {
        const res = await call(`${httpbin.url}/redirect-to?url=http%3A%2F%2Fexample.invalid%2Fx&status_code=200`).response;
        expect(res.status).toBe(302);
        expect(res.headers.location).toBe('http://example.invalid/x');
      });
    });

    describe('cookies and headers', () => {
      it('quotes a cookie value that needs it, and reads it back unquoted', async () => {
        const set = await call(`${httpbin.url}/cookies/set?a=x%20y`).response;
        expect(set.headers['set-cookie']).toEqual(['a="x y"; Path=/']);
        const { body } = await json(`${httpbin.url}/cookies`, { headers: { cookie: 'a="x y"; b=2; a=3' } });
        expect(body).toEqual({ cookies: { a: 'x y', b: '2' } });
      });

      it('gives /response-headers a body that names its own Content-Length', async () => {
        const res = await call(`${httpbin.url}/response-headers?X-A=1`).response;
        const body = JSON.parse(res.body.toString());
        expect(body['Content-Length']).toBe(String(res.body.length));
        expect(res.headers['content-length']).toBe(String(res.body.length));
      });

      // A header value the query chose that cannot be sent: httpbin's server answers 500.
      it.each(['/response-headers?a=%E2%82%AC', '/response-headers?a=x%0D%0Ay', '/redirect-to?url=/%E2%82%AC', '/cookies/set?a%0Ab=1'])(
        'answers %s with 500, and goes on serving',
        async (path) => {
          const res = await call(`${httpbin.url}${path}`).response;
          expect(res.status).toBe(500);
          expect((await call(`${httpbin.url}/get`).response).status).toBe(200);
        },
      );

      it('reads path segments percent-decoded, as httpbin does (/basic-auth/a%20b/p is user "a b")', async () => {
        const authorization = `Basic ${Buffer.from('a b:p').toString('base64')}`;
        const auth = await json(`${httpbin.url}/basic-auth/a%20b/p`, { headers: { authorization } });
        expect(auth).toEqual({ status: 200, body: { authenticated: true, user: 'a b' } });
        const decoded = await call(`${httpbin.url}/base64/SGk%3D`).response;
        expect([decoded.status, decoded.body.toString()]).toEqual([200, 'Hi']);
      });

      it('echoes a body that is not UTF-8 as a base64 data URL, as httpbin does', async () => {
        const { body } = await json(`${httpbin.url}/post`, {
          method: 'POST',
          body: Buffer.from([0, 0xff, 0xfe, 0x41]),
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(body.data).toBe('data:application/octet-stream;base64,AP/+QQ==');
      });

      it('echoes a multipart body as its form fields and files, as httpbin does', async () => {
        const boundary = 'XyZ';
        const parts = [
          `--${boundary}\r\nContent-Disposition: form-data; name="k"\r\n\r\nv\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="k"\r\n\r\nw\r\n`,
          `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile content\r\n`,
          `--${boundary}--\r\n`,
        ];
        const { body } = await json(`${httpbin.url}/post`, {
          method: 'POST',
          body: parts.join(''),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        expect({ data: body.data, form: body.form, files: body.files }).toEqual({ data: '', form: { k: ['v', 'w'] }, files: { f: 'file content' } });
      });

      it('answers /base64 with bad characters with 400', async () => {
        expect((await call(`${httpbin.url}/base64/a$b`).response).status).toBe(400);
      });

      it("serves httpbin's /html (text/html; charset=utf-8) and /xml (application/xml) pages", async () => {
        const html = await call(`${httpbin.url}/html`).response;
        expect([html.status, html.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
        expect(html.body.toString()).toMatch(/^<!DOCTYPE html>\n[^]*<h1>Herman Melville - Moby-Dick<\/h1>[^]*<\/html>$/);
        const xml = await call(`${httpbin.url}/xml`).response;
        expect([xml.status, xml.headers['content-type']]).toEqual([200, 'application/xml']);
        expect(xml.body.toString()).toMatch(/^<\?xml version='1.0' encoding='us-ascii'\?>\n[^]*<slideshow [^]*<\/slideshow>$/);
      });

      it('serves /encoding/utf8 as UTF-8 that decodes without a replacement character', async () => {
        const res = await call(`${httpbin.url}/encoding/utf8`).response;
        const text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
        expect(text).toContain('Ελληνικά');
        expect(text).toContain('🐍');
      });
    });
  });
});

describe('startHttpbin options', () => {
  it('listens on the given port and host', async () => {
    const first = await startHttpbin();
    const port = Number(new URL(first.url).port);
    await first.close();
    const httpbin = await startHttpbin({ port, host: '127.0.0.1' });
    try {
      expect(httpbin.url).toBe(`http://127.0.0.1:${port}`);
      expect((await call(`${httpbin.url}/get`).response).status).toBe(200);
    } finally {
      await httpbin.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = await startHttpbin();
    try {
      await expect(startHttpbin({ port: Number(new URL(first.url).port) })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });

  it.each([
    [{ port: -1 }, RangeError, 'startHttpbin: options.port must be an integer from 0 to 65535, got -1'],
    [{ port: 70000 }, RangeError, 'startHttpbin: options.port must be an integer from 0 to 65535, got 70000'],
    [{ port: '80' }, TypeError, 'startHttpbin: options.port must be an integer from 0 to 65535, got "80"'],
    [{ host: 1 }, TypeError, 'startHttpbin: options.host must be a non-empty string, got 1'],
    [{ hots: 'x' }, TypeError, 'startHttpbin: options.hots is not a known option'],
    [{ cors: 'yes' }, TypeError, 'startHttpbin: options.cors must be a boolean, got "yes"'],
    [42, TypeError, 'startHttpbin: options must be an object, got 42'],
  ])('throws at once for %p', (options, kind, message) => {
    expect(() => startHttpbin(options as never)).toThrow(kind);
    expect(() => startHttpbin(options as never)).toThrow(message);
  });
});

describe('startHttpbin fault bodies and chaos mode', () => {
  const resources = new ResourceTracker();
  const servers: Httpbin[] = [];
  const start = async (options?: Parameters<typeof startHttpbin>[0]): Promise<Httpbin> => {
    const httpbin = await startHttpbin(options);
    servers.push(httpbin);
    return httpbin;
  };

  beforeEach(() => {
    resources.start();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    expect(await resources.leaks()).toEqual([]);
    resources.stop();
  });

  it('sends /truncated-json with a Content-Length larger than its body, then destroys the socket', async () => {
    const httpbin = await start();
    // Node's client fails a body cut short with "aborted" (ECONNRESET).
    await expect(call(`${httpbin.url}/truncated-json`).response).rejects.toMatchObject({ code: 'ECONNRESET' });
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.activeRequests).toBe(0);
  });

  it('sends /malformed-json complete, as application/json, with a body that does not parse', async () => {
    const httpbin = await start();
    const res = await call(`${httpbin.url}/malformed-json`).response;
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(() => JSON.parse(res.body.toString())).toThrow(SyntaxError);
  });

  it('answers /chaos/:key with a 404 when chaos mode is off', async () => {
    const httpbin = await start();
    expect((await call(`${httpbin.url}/chaos/1`).response).status).toBe(404);
    expect(httpbin.chaosFault('1')).toBeUndefined();
  });

  it('draws faults from the seed and the key alone: same seed, same faults; about `rate` of the keys', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => String(i));
    const draw = (seed: number, rate = 0.1, kinds?: readonly ChaosKind[]) => keys.map((key) => chaosFault({ seed, rate, kinds }, key));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const faults = draw(7).filter((f) => f !== undefined);
    expect(faults.length).toBeGreaterThan(800);
    expect(faults.length).toBeLessThan(1200);
    for (const kind of CHAOS_KINDS) expect(faults.filter((f) => f === kind).length).toBeGreaterThan(100);
    expect(draw(7, 0).every((f) => f === undefined)).toBe(true);
    expect(draw(7, 1).every((f) => f !== undefined)).toBe(true);
    expect(new Set(draw(7, 1, ['hang', 'reset']))).toEqual(new Set(['hang', 'reset']));
  });

  it('tells which fault each key draws, as chaosFault does, and serves it', async () => {
    const chaos = { seed: 3, rate: 0.5, kinds: ['status-5xx', 'malformed-json'] as ChaosKind[] };
    const httpbin = await start({ chaos });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const answers = await Promise.all(keys.map((key) => call(`${httpbin.url}/chaos/${key}`).response));
    keys.forEach((key, i) => {
      const fault = httpbin.chaosFault(key);
      expect(fault).toBe(chaosFault(chaos, key));
      const res = answers[i]!;
      if (fault === undefined) {
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body.toString())).toEqual({ key });
      } else if (fault === 'status-5xx') {
        expect([500, 502, 503, 504]).toContain(res.status);
        expect(res.body.length).toBe(0);
      } else {
        expect(res.status).toBe(200);
        expect(() => JSON.parse(res.body.toString())).toThrow(SyntaxError);
      }
    });
    expect(new Set(keys.map((key) => httpbin.chaosFault(key)))).toEqual(new Set([undefined, 'status-5xx', 'malformed-json']));
  });

  it.each<[ChaosKind, string]>([
    ['reset', 'ECONNRESET'],
    ['truncated-json', 'ECONNRESET'],
  ])('serves a %s fault as a broken connection', async (kind, code) => {
    const httpbin = await start({ chaos: { seed: 1, rate: 1, kinds: [kind] } });
    await expect(call(`${httpbin.url}/chaos/x`).response).rejects.toMatchObject({ code });
    await httpbin.waitForOpenConnections(0);
  });

  it('serves a hang fault as no answer, until the client gives up', async () => {
    const httpbin = await start({ chaos: { seed: 1, rate: 1, kinds: ['hang'] } });
    const pending = call(`${httpbin.url}/chaos/x`);
    pending.response.catch(() => undefined);
    await httpbin.waitForRequests(1);
    expect(httpbin.activeRequests).toBe(1);
    pending.abort();
    await httpbin.waitForActiveRequests(0);
    await httpbin.waitForOpenConnections(0);
  });

  it('serves a slow-body fault over slowBodyMs, and clears its timers when the client goes away', async () => {
    const httpbin = await start({ chaos: { seed: 1, rate: 1, kinds: ['slow-body'], slowBodyMs: 300 } });
    const res = await call(`${httpbin.url}/chaos/x`).response;
    expect(res.status).toBe(200);
    expect(res.body.toString().trim().split('\n')).toEqual(['chunk 1 of 3', 'chunk 2 of 3', 'chunk 3 of 3']);
    expect(res.endAfter).toBeGreaterThanOrEqual(290);
    const pending = call(`${httpbin.url}/chaos/y`);
    pending.response.catch(() => undefined);
    await httpbin.waitForRequests(2);
    expect(httpbin.pendingTimers).toBe(1);
    pending.abort();
    await httpbin.waitForOpenConnections(0);
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('waits for the active requests to drop, apart from the open connections', async () => {
    const httpbin = await start();
    const hangs = [call(`${httpbin.url}/hang`), call(`${httpbin.url}/hang`)];
    for (const hang of hangs) hang.response.catch(() => undefined);
    await httpbin.waitForRequests(2);
    await expect(httpbin.waitForActiveRequests(1, 20)).rejects.toThrow('httpbin: 2 requests still active after 20 ms, waited for at most 1');
    hangs[0]!.abort();
    await httpbin.waitForActiveRequests(1);
    hangs[1]!.abort();
    await httpbin.waitForActiveRequests(0);
    await httpbin.waitForOpenConnections(0);
  });

  it.each([
    [{ chaos: 1 }, TypeError, 'startHttpbin: options.chaos must be an object, got 1'],
    [
      { chaos: { seed: 1, rate: 0.1, sede: 2 } },
      TypeError,
      'startHttpbin: options.chaos.sede is not a known option (expected one of seed, rate, kinds, slowBodyMs), got 2',
    ],
    [{ chaos: { rate: 0.1 } }, TypeError, 'startHttpbin: options.chaos.seed must be a safe integer, got undefined'],
    [{ chaos: { seed: 1.5, rate: 0.1 } }, RangeError, 'startHttpbin: options.chaos.seed must be a safe integer, got 1.5'],
    [{ chaos: { seed: 1, rate: '0.1' } }, TypeError, 'startHttpbin: options.chaos.rate must be a number from 0 to 1, got "0.1"'],
    [{ chaos: { seed: 1, rate: NaN } }, RangeError, 'startHttpbin: options.chaos.rate must be a number from 0 to 1, got NaN'],
    [{ chaos: { seed: 1, rate: 1.5 } }, RangeError, 'startHttpbin: options.chaos.rate must be a number from 0 to 1, got 1.5'],
    [
      { chaos: { seed: 1, rate: 0.1, kinds: [] } },
      RangeError,
      "startHttpbin: options.chaos.kinds must be a non-empty array of 'reset', 'hang', 'slow-body', 'status-5xx', 'truncated-json', 'malformed-json', got an array of length 0",
    ],
    [
      { chaos: { seed: 1, rate: 0.1, kinds: ['reset', 'fire'] } },
      RangeError,
      'startHttpbin: options.chaos.kinds[1] must be one of reset, hang, slow-body, status-5xx, truncated-json, malformed-json, got "fire"',
    ],
    [
      { chaos: { seed: 1, rate: 0.1, slowBodyMs: 0 } },
      RangeError,
      'startHttpbin: options.chaos.slowBodyMs must be a positive number of milliseconds, at most 10000, got 0',
    ],
    [
      { chaos: { seed: 1, rate: 0.1, slowBodyMs: Infinity } },
      RangeError,
      'startHttpbin: options.chaos.slowBodyMs must be a positive number of milliseconds, at most 10000, got Infinity',
    ],
  ])('throws at once for %p', (options, kind, message) => {
    expect(() => startHttpbin(options as never)).toThrow(kind);
    expect(() => startHttpbin(options as never)).toThrow(message);
  });
});

describe('startHttpbin({ cors: true })', () => {
  // What a browser needs before a page of another origin may read a response: the
  // request's Origin echoed, credentials allowed, every response header exposed, and a
  // preflight (OPTIONS with Access-Control-Request-Method) answered with the method
  // and headers it asks for. Without `cors`, none of it.

  const ORIGIN = 'http://127.0.0.1:4200';
  let httpbin: Httpbin;
  afterEach(async () => {
    await httpbin.close();
    expect(httpbin.openConnections).toBe(0);
  });

  it('echoes the Origin, allows credentials, and exposes every header of the response', async () => {
    httpbin = await startHttpbin({ cors: true });
    const res = await call(`${httpbin.url}/get`, { headers: { origin: ORIGIN } }).response;
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toBe('Origin');
    const exposed = String(res.headers['access-control-expose-headers']).split(', ');
    for (const name of Object.keys(res.headers).filter(
      (n) => !['connection', 'keep-alive', 'transfer-encoding', 'access-control-expose-headers'].includes(n),
    )) {
      expect(exposed).toContain(name);
    }
    expect(exposed).toEqual(expect.arrayContaining(['content-type', 'content-length', 'date']));
  });

  it('exposes the headers a route sets itself (/status/302: location)', async () => {
    httpbin = await startHttpbin({ cors: true });
    const res = await call(`${httpbin.url}/status/302`, { headers: { origin: ORIGIN } }).response;
    expect(res.status).toBe(302);
    expect(String(res.headers['access-control-expose-headers']).split(', ')).toContain('location');
  });

  it('answers a preflight with 204, the requested method and headers allowed, without running the route', async () => {
    httpbin = await startHttpbin({ cors: true });
    const res = await call(`${httpbin.url}/delay/10`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-trace, content-type' },
    }).response;
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toBe('PUT');
    expect(res.headers['access-control-allow-headers']).toBe('x-trace, content-type');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(res.endAfter).toBeLessThan(5000); // not the 10 s of /delay/10
    expect(httpbin.pendingTimers).toBe(0);
  });

  it('answers a plain OPTIONS /get (no preflight) with 200 and its Allow header, as httpbin.org does', async () => {
    httpbin = await startHttpbin({ cors: true });
    const res = await call(`${httpbin.url}/get`, { method: 'OPTIONS', headers: { origin: ORIGIN } }).response;
    expect(res.status).toBe(200);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('adds nothing to a request without an Origin (not a browser)', async () => {
    httpbin = await startHttpbin({ cors: true });
    const res = await call(`${httpbin.url}/get`).response;
    expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('sends no CORS headers, and answers a preflight as any OPTIONS, when cors is off (the default)', async () => {
    httpbin = await startHttpbin();
    const simple = await call(`${httpbin.url}/get`, { headers: { origin: ORIGIN } }).response;
    expect(Object.keys(simple.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const preflight = await call(`${httpbin.url}/status/418`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } })
      .response;
    expect([preflight.status, preflight.headers.allow]).toEqual([200, 'GET, HEAD, POST, PUT, PATCH, DELETE, TRACE, OPTIONS']);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** Resolves once every call has failed (the server went away under them). */
function waitRejected(...calls: { response: Promise<unknown> }[]): Promise<void> {
  return Promise.all(
    calls.map((c) =>
      c.response.then(
        () => {
          throw new Error('expected the request to fail');
        },
        () => undefined,
      ),
    ),
  ).then(() => undefined);
}
