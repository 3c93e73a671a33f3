// The tests' PostgreSQL: Debian's, in a temp folder of its own (scripts/postgres.ts, which
// `npm run cluster` starts too, in a folder it keeps).

export * from '../../scripts/postgres.js';
