/** What the (imaginary) API serves. */
export interface Profile {
  id: number;
  name: string;
}

export interface Stats {
  visits: number;
  signups: number;
}

export interface Notice {
  id: number;
  text: string;
}

export interface SearchResult {
  mirror: string;
  hits: string[];
}

export interface User {
  id: number;
  name: string;
}

/**
 * The dashboard page: one slot per widget. A widget whose request failed holds the
 * error instead of its data (gather's `returnExceptions`), so the page still renders
 * the others. Use {@link failed} to tell them apart.
 */
export interface Dashboard {
  profile: Profile | Error;
  stats: Stats | Error;
  notices: Notice[] | Error;
}

/** The search mirrors raced by `search()`: the first to answer wins. */
export const MIRRORS = ['https://eu.mirror.test', 'https://us.mirror.test', 'https://ap.mirror.test'] as const;

/** At most this many requests of a batch are open at once. */
export const BATCH_CONCURRENCY = 3;
