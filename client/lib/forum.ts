// Which forum this page belongs to. Every forum lives under /f/<slug>: its phone page, projector
// and console, its socket namespace, and its download links; the console at /console (no forum)
// is the list of every forum on the server.

const FORUM_PATH = /^\/f\/([0-9a-z-]{1,40})(?:\/|$)/;

/** The forum's part of this page's address, or null on a page of the server itself (/console). */
export function forumSlug(): string | null {
  return FORUM_PATH.exec(window.location.pathname)?.[1] ?? null;
}

/** An address of this page's forum: forumPath('/api/export.csv') → /f/2/api/export.csv. */
export function forumPath(path: string): string {
  const slug = forumSlug();
  return slug ? `/f/${slug}${path}` : path;
}
