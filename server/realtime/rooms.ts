// The Socket.IO rooms of a forum's namespace, by audience: a connection joins them as it is
// admitted (socket.ts), and what is pushed (push.ts, consoles.ts) is sent to them.

/** Facilitators' consoles. */
export const CONSOLES = 'consoles';
/** Table hosts' consoles, all of them and one host's by id. */
export const HOSTS = 'hosts';
export const hostRoom = (id: string) => `h:${id}`;
/** Phones, all of them and one participant's by id. */
export const PHONES = 'phones';
/** Of them, those that unpack gzip (their handshake says so): sent large rankings packed. */
export const PHONES_GZ = 'phones-gz';
export const participantRoom = (id: string) => `p:${id}`;
/** Service points' staff pages: they are sent the forum as phones see it. */
export const STAFF = 'staff';
/** Projectors. */
export const SCREENS = 'screens';
/** The phones of a device waiting for the facilitator's approval of its join, by its token's hash. */
export const waitingRoom = (tokenHash: string) => `w:${tokenHash}`;
