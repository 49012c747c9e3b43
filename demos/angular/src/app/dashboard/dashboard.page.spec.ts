import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ComponentFixture } from '@angular/core/testing';
import { DASHBOARD_DATA } from '../dashboard-data';
import { DashboardService } from '../dashboard.service';
import type { Echo } from '../models';
import { DashboardPage } from './dashboard.page';

// The page over DashboardService and HttpTestingController: what each card shows as
// the requests are answered, and that leaving the page cancels what is still running.

const echo = (args: Record<string, string>): Echo => ({ args, url: 'http://httpbin.test/' });

let fixture: ComponentFixture<DashboardPage>;
let httpMock: HttpTestingController;

const shown = (testId: string): string =>
  (
    (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="${testId}"]`)
      ?.textContent ?? ''
  )
    .replace(/\s+/g, ' ')
    .trim();
const click = (testId: string): void =>
  (fixture.nativeElement as HTMLElement)
    .querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!
    .click();

beforeEach(async () => {
  TestBed.configureTestingModule({
    imports: [DashboardPage],
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: DASHBOARD_DATA, useExisting: DashboardService },
    ],
  });
  httpMock = TestBed.inject(HttpTestingController);
  fixture = TestBed.createComponent(DashboardPage);
  await fixture.whenStable();
});

afterEach(() => httpMock.verify());

/** Answers the widgets' requests that the page made when it opened. */
function answerWidgets(): void {
  for (const req of httpMock.match(
    (r) =>
      r.url.startsWith('/api/anything/profile') ||
      r.url === '/api/status/503' ||
      r.url.startsWith('/api/delay/0.3?text'),
  ))
    req.flush(echo({}));
}

describe('DashboardPage', () => {
  it('shows the three widgets, the failed one with its error, once the last has answered', async () => {
    expect(shown('gather')).toContain('loading');
    httpMock.expectOne('/api/anything/profile?name=Ada').flush(echo({ name: 'Ada' }));
    httpMock
      .expectOne('/api/status/503')
      .flush('', { status: 503, statusText: 'Service Unavailable' });
    httpMock.expectOne('/api/delay/0.3?text=Welcome').flush(echo({ text: 'Welcome' }));
    await fixture.whenStable();

    expect(shown('widget-profile')).toBe('profile: Ada');
    expect(shown('widget-stats')).toBe('stats: failed: 503 Service Unavailable');
    expect(shown('widget-notices')).toBe('notices: Welcome');
  });

  it('lists the feed as it arrives', async () => {
    click('run-feed');
    const [slow, medium, fast] = httpMock.match((req) => req.params.has('name'));
    fast!.flush(echo({ name: 'fast' }));
    await fixture.whenStable();
    expect(shown('feed')).toContain('fast after');
    expect(shown('feed')).not.toContain('slow after');
    expect(shown('feed-done')).toBe('');
    slow!.flush(echo({ name: 'slow' }));
    medium!.flush(echo({ name: 'medium' }));
    await fixture.whenStable();
    expect(
      [
        ...(fixture.nativeElement as HTMLElement).querySelectorAll('[data-testid="feed-item"] b'),
      ].map((b) => b.textContent),
    ).toEqual(['fast', 'slow', 'medium']);
    expect(shown('feed-done')).toMatch(/^3 results in \d+ ms$/);
    answerWidgets();
  });

  it('shows the race winner and how many were cancelled', async () => {
    click('run-race');
    const [eu, us, ap] = httpMock.match((req) => req.params.has('mirror'));
    eu!.flush(echo({ mirror: 'eu' }));
    await fixture.whenStable();
    expect(shown('race-winner')).toBe('eu');
    expect(shown('race-cancelled')).toBe('2');
    expect([us!.cancelled, ap!.cancelled]).toEqual([true, true]);
    answerWidgets();
  });

  it('cancels what is still running when the page is destroyed', () => {
    click('run-batch');
    const open = httpMock.match((req) => req.params.has('thumbnail'));
    expect(open.length).toBe(4);
    fixture.destroy();
    expect(open.every((req) => req.cancelled)).toBe(true);
    // So were the widgets' requests, never answered.
    expect(
      httpMock.match((req) => req.url.startsWith('/api/')).map((req) => req.cancelled),
    ).toEqual([true, true, true]);
  });
});
