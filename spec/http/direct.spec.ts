import { TimeoutError, firstValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import { NetworkError, createSession, undiciTransport } from '../../lib/http';
import type { HttpRequest, HttpResponse, Transport } from '../../lib/http';
import { SEND } from '../../lib/http/poolTransport';
import type { Sink } from '../../lib/http/poolTransport';

/**
 * The session's direct path to a pool transport (lib/http/poolTransport.ts, `SEND`): a
 * transport with it is never subscribed, and the session's call reads what the sink is
 * told as a Subscriber would (once, nothing after a stop), and tears the request down
 * once it has heard the end.
 */

const RESPONSE: HttpResponse = { url: 'http://127.0.0.1:1/x', status: 200, statusText: 'OK', headers: {}, data: 'ok' };

/** A transport whose direct path hands each request's sink to the test; subscribing it fails the test. */
function directTransport() {
  const sinks: Sink[] = [];
  const teardowns: jest.Mock[] = [];
  const requests: HttpRequest[] = [];
  const subscribed = jest.fn();
  const transport = Object.assign((request: HttpRequest): Observable<HttpResponse> => subscribed(request) as never, {
    [SEND]: (request: HttpRequest, sink: Sink) => {
      requests.push(request);
      sinks.push(sink);
      const teardown = jest.fn();
      teardowns.push(teardown);
      return { unsubscribe: teardown };
    },
  });
  return { transport: transport as Transport, sinks, teardowns, requests, subscribed };
}

describe("a session on a transport's direct path", () => {
  it('sends through it, never subscribing the transport, and tears the request down once it has ended', async () => {
    const t = directTransport();
    const session = createSession({ transport: t.transport });
    const got = firstValueFrom(session.get('http://127.0.0.1:1/x'));
    expect(t.sinks).toHaveLength(1);
    expect(t.requests[0]!.url).toBe('http://127.0.0.1:1/x');
    t.sinks[0]!.next(RESPONSE);
    t.sinks[0]!.complete();
    expect((await got).data).toBe('ok');
    expect(t.teardowns[0]).toHaveBeenCalledTimes(1);
    expect(t.subscribed).not.toHaveBeenCalled();
    await session.close();
  });

  it('hears nothing the sink is told after the request was unsubscribed', async () => {
    const t = directTransport();
    const session = createSession({ transport: t.transport });
    const seen: string[] = [];
    const subscription = session.get('http://127.0.0.1:1/x').subscribe({
      next: () => seen.push('next'),
      error: () => seen.push('error'),
      complete: () => seen.push('complete'),
    });
    subscription.unsubscribe();
    expect(t.teardowns[0]).toHaveBeenCalledTimes(1);
    t.sinks[0]!.next(RESPONSE);
    t.sinks[0]!.error(new Error('late'));
    t.sinks[0]!.complete();
    expect(seen).toEqual([]);
    await session.close();
  });

  it('hears one end only: a second error, or a response after an error, is ignored', async () => {
    const t = directTransport();
    const session = createSession({ transport: t.transport });
    const seen: unknown[] = [];
    session.get('http://127.0.0.1:1/x').subscribe({ next: (res) => seen.push(res.status), error: (err: unknown) => seen.push(err) });
    const boom = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    t.sinks[0]!.error(boom);
    t.sinks[0]!.error(new Error('again'));
    t.sinks[0]!.next(RESPONSE);
    t.sinks[0]!.complete();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(NetworkError);
    expect((seen[0] as NetworkError).cause).toBe(boom);
    expect(t.teardowns[0]).toHaveBeenCalledTimes(1);
    await session.close();
  });

  it("fails with the deadline's TimeoutError, not with the error the transport raises as the session stops it", async () => {
    const t = directTransport();
    const session = createSession({ transport: t.transport, timeout: 20 });
    const failed = firstValueFrom(session.get('http://127.0.0.1:1/x')).catch((e: unknown) => e);
    // As undici does: aborting the request fails it at once, inside the teardown.
    t.teardowns[0]!.mockImplementation(() => t.sinks[0]!.error(new Error('aborted')));
    const err = await failed;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(t.teardowns[0]).toHaveBeenCalledTimes(1);
    await session.close();
  });

  it('fails at once, wrapped, when the transport fails inside the call (undici after close)', async () => {
    const transport = undiciTransport();
    await transport.close();
    const session = createSession({ transport });
    const err: unknown = await firstValueFrom(session.get('http://127.0.0.1:1/x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).cause).toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    await session.close();
  });
});
