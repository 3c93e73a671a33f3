// The staff page's state: the staff link's secret (moved at once out of the address bar into this
// tab, as the console's key is), who the server says this staff member is, and the forum as phones
// see it (its phase, its way of proving who one is, its city vote; never a count).

import { create } from 'zustand';
import type { PhoneForumInfo, StaffMe } from '../../shared/protocol.js';

const SECRET_STORAGE = 'viche.staffSecret';

function initialSecret(): string | null {
  const url = new URL(window.location.href);
  const given = url.searchParams.get('host');
  try {
    if (given !== null) {
      url.searchParams.delete('host');
      window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
      window.sessionStorage.setItem(SECRET_STORAGE, given);
      return given;
    }
    return window.sessionStorage.getItem(SECRET_STORAGE);
  } catch {
    // Private modes may refuse storage: the secret then lasts as long as the page.
    return given;
  }
}

interface StaffState {
  secret: string | null;
  me: StaffMe | null;
  forum: PhoneForumInfo | null;
}

export const useStaff = create<StaffState>(() => ({ secret: initialSecret(), me: null, forum: null }));
