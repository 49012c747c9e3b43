// TestBed in plain Node, without zone.js or a DOM, for the specs of rxjs-asyncio/angular:
// the test module is compiled just in time (hence @angular/compiler), Angular 21's
// TestBed is zoneless by default, and nothing is rendered, so the DOM renderer that
// BrowserTestingModule brings (it needs a `document`) is replaced by the base
// TestComponentRenderer, a no-op. Imported first by each spec that uses TestBed.
import '@angular/compiler';
import { NgModule } from '@angular/core';
import { TestBed, TestComponentRenderer } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

@NgModule({
  imports: [BrowserTestingModule],
  providers: [{ provide: TestComponentRenderer, useClass: TestComponentRenderer }],
})
class ServiceTestingModule {}

TestBed.initTestEnvironment(ServiceTestingModule, platformBrowserTesting());

/**
 * A body as the backend received it, for `TestRequest.flush`: its bytes, an ArrayBuffer,
 * what HttpClient is asked for under the session's default `responseType` (`'auto'`),
 * which decodes them by the `Content-Type` flushed with them.
 */
export function received(text: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
