import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideSession } from 'rxjs-asyncio/angular';
import { CancelledError, HttpStatusError } from 'rxjs-asyncio/http';
import type { Dashboard, Race } from '../models';
import type { Echo } from '../models';
import { SessionDashboardService } from './session-dashboard.service';

// In Node (jsdom) and in Chromium. provideSession's session sends through the app's HttpClient (httpClientTransport),
// so its requests are seen, and answered, by HttpTestingController, after the app's
// interceptors.

// The session's baseURL is the relative '/api', as in the app: resolved against the page's origin.
const API = `${location.origin}/api`;
const echo = (args: Record<string, string>): Echo => ({ args, url: 'http://localhost/' });

let service: SessionDashboardService;
let httpMock: HttpTestingController;

beforeEach(() => {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(
        withInterceptors([
          (req, next) => next(req.clone({ setHeaders: { 'x-app': 'dashboard' } })),
        ]),
      ),
      provideHttpClientTesting(),
      provideSession({ baseURL: '/api', raiseForStatus: true }),
      SessionDashboardService,
    ],
  });
  service = TestBed.inject(SessionDashboardService);
  httpMock = TestBed.inject(HttpTestingController);
});

afterEach(() => httpMock.verify());

describe('SessionDashboardService over provideSession and HttpClient', () => {
  it("sends the widgets through HttpClient and its interceptors; the 503 widget's slot holds HttpStatusError", () => {
    let page: Dashboard | undefined;
    service.dashboard().subscribe((value) => (page = value));
    const profile = httpMock.expectOne(`${API}/anything/profile?name=Ada`);
    expect(profile.request.headers.get('x-app')).toBe('dashboard');
    profile.flush(echo({ name: 'Ada' }));
    httpMock
      .expectOne(`${API}/status/503`)
      .flush('', { status: 503, statusText: 'Service Unavailable' });
    httpMock.expectOne(`${API}/delay/0.3?text=Welcome`).flush(echo({ text: 'Welcome' }));

    expect(page?.profile).toEqual(echo({ name: 'Ada' }));
    expect(page?.stats).toBeInstanceOf(HttpStatusError);
    expect(page?.stats).toMatchObject({ status: 503 });
    expect(page?.notices).toEqual(echo({ text: 'Welcome' }));
  });

  it('race(): the losers are cancelled HttpClient requests', () => {
    let race: Race<Echo> | undefined;
    service.race('rxjs').subscribe((value) => (race = value));
    const [eu, us, ap] = httpMock.match((req) => req.url.startsWith(`${API}/delay/`));
    eu!.flush(echo({ mirror: 'eu' }));
    expect(race).toEqual({ winner: echo({ mirror: 'eu' }), cancelled: 2 });
    expect([us!.cancelled, ap!.cancelled]).toEqual([true, true]);
  });

  it('closes the session with the injector: the request in flight is cancelled (CancelledError)', () => {
    let error: unknown;
    service.race('rxjs').subscribe({ error: (err: unknown) => (error = err) });
    const requests = httpMock.match((req) => req.url.startsWith(`${API}/delay/`));
    TestBed.resetTestingModule();
    expect(requests.map((req) => req.cancelled)).toEqual([true, true, true]);
    expect(error).toBeInstanceOf(CancelledError);
  });
});
