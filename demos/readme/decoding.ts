import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { createSession } from '../../lib/http';
import { startHttpbin } from '../../lib/testing';

async function main(): Promise<void> {
  const httpbin = await startHttpbin();
  // A legacy page in Latin-1, from a server of our own.
  const legacy = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=ISO-8859-1' }).end(Buffer.from('<p>Crème brûlée</p>', 'latin1'));
  });
  await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve));
  const session = createSession({ baseURL: httpbin.url });

  // responseType 'auto' (the default): bytes, JSON or text, as the Content-Type says.
  const bytes = await firstValueFrom(session.get<Uint8Array>('/bytes/16'));
  console.log(bytes.headers['content-type'], bytes.data instanceof Uint8Array, bytes.data.length);
  const json = await firstValueFrom(session.get<{ slideshow: { title: string } }>('/json'));
  console.log(json.data.slideshow.title);
  const page = await firstValueFrom(session.get<string>(`http://127.0.0.1:${(legacy.address() as AddressInfo).port}/`));
  console.log(page.data);
  // A reading forced: the JSON's text, the page's bytes.
  console.log(typeof (await firstValueFrom(session.get('/json', { responseType: 'text' }))).data);
  const html = await firstValueFrom(session.bytes('/html'));
  console.log(html instanceof Uint8Array, html[0] === 0x3c); // '<'

  await session.close();
  await new Promise((resolve) => legacy.close(resolve));
  await httpbin.close();
}
void main();
// Logs:
// application/octet-stream true 16
// Sample Slide Show
// <p>Crème brûlée</p>
// string
// true true
