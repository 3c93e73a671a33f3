// What the server's page showed before this script came (server/http/phonePage.ts): which view,
// and what the resident had typed into its join form meanwhile, which the script's form takes up.

export type ServedView = 'form' | 'joined' | 'waiting' | 'results' | 'loading' | null;

/** The view the server's page shows; null when the page holds none (an older server's shell). */
export function servedView(root: HTMLElement): ServedView {
  return (root.dataset.served as ServedView | undefined) ?? null;
}

let typed: { code: string; name: string } | null = null;

/** Reads the server's form as it is now, just before the script's replaces it. */
export function takeTyped(root: HTMLElement): void {
  const value = (name: string) => root.querySelector<HTMLInputElement>(`form input[name="${name}"]`)?.value;
  const code = value('code');
  const name = value('name');
  if (code !== undefined || name !== undefined) typed = { code: code ?? '', name: name ?? '' };
}

/** What was typed into the server's form, once: the script's form starts from it. */
export function typedBefore(): { code: string; name: string } | null {
  const was = typed;
  typed = null;
  return was;
}
