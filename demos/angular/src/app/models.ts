/** What httpbin's `/anything`, `/get` and `/delay/:s` answer: the request, echoed. */
export interface Echo {
  args: Record<string, string>;
  url: string;
}

/** The dashboard page: one slot per widget. A failed widget holds its error (see `failed`). */
export interface Dashboard {
  profile: Echo | Error;
  stats: Echo | Error;
  notices: Echo | Error;
}

/** One result of the feed, as it arrived. */
export interface FeedItem {
  name: string;
  /** ms since the feed was subscribed. */
  at: number;
}

/** A race's outcome: the winner, and how many of the others were cancelled. */
export interface Race<T> {
  winner: T;
  cancelled: number;
}

/** A batch's outcome: the results in the order asked, and the most requests in flight at once. */
export interface Batch {
  items: string[];
  peak: number;
}

/** The widgets of the dashboard (gather): paths under the API base. `stats` always fails (503). */
export const WIDGETS = {
  profile: '/anything/profile?name=Ada',
  stats: '/status/503',
  notices: '/delay/0.3?text=Welcome',
} as const;

/** The feed (asCompleted): three sources, slowest first, so they arrive in reverse order. */
export const FEED = [
  { name: 'slow', seconds: 1.5 },
  { name: 'medium', seconds: 0.9 },
  { name: 'fast', seconds: 0.3 },
] as const;

/** The search mirrors raced by wait(FIRST_COMPLETED), and how long each takes to answer. */
export const MIRRORS = [
  { name: 'eu', seconds: 0.3 },
  { name: 'us', seconds: 3 },
  { name: 'ap', seconds: 5 },
] as const;

/**
 * At most this many requests of a batch in flight at once. Below 6, the most Chromium
 * keeps open to one host, or the browser's own limit would hide the Semaphore's.
 */
export const BATCH_CONCURRENCY = 4;

/** How many thumbnails the dashboard's batch loads, and how long each takes. */
export const BATCH_SIZE = 12;
export const BATCH_SECONDS = 0.3;
