// TestBed in plain Node, without zone.js or a DOM: the services are compiled just in
// time (hence @angular/compiler) and Angular 21's TestBed is zoneless by default.
// Services render nothing, so the DOM renderer BrowserTestingModule brings (which needs
// a `document`, here absent) is replaced by the base TestComponentRenderer, a no-op.
import '@angular/compiler';
import { NgModule } from '@angular/core';
import { TestComponentRenderer, getTestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

@NgModule({
  imports: [BrowserTestingModule],
  providers: [{ provide: TestComponentRenderer, useClass: TestComponentRenderer }],
})
class ServiceTestingModule {}

getTestBed().initTestEnvironment(ServiceTestingModule, platformBrowserTesting());
