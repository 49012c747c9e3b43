import { request } from 'node:http';
import { startHttpbin } from '../../lib/testing';
import type { Httpbin } from '../../lib/testing';
import { call, json } from './rawClient';
import { ResourceTracker } from './resources';

/**
 * The routes of the embedded httpbin beyond what spec/parity checks against the real
 * one: the timed ones (their pacing and their timers), the embedded httpbin's own
 * choices, and its refusals. Timing is checked by cause (the headers came while the
 * server still had the body's timers pending) and by lower bounds only.
 */
describe('startHttpbin routes', () => {
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

    it('answers /base64 with bad characters with 400', async () => {
      expect((await call(`${httpbin.url}/base64/a$b`).response).status).toBe(400);
    });

    it('serves /encoding/utf8 as UTF-8 that decodes without a replacement character', async () => {
      const res = await call(`${httpbin.url}/encoding/utf8`).response;
      const text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
      expect(text).toContain('Ελληνικά');
      expect(text).toContain('🐍');
    });
  });
});
