// `npm run worker` (and `npm run worker:prod` on the build): the job worker alone, for a deployment that runs
// it apart from its web processes (PROCESS_ROLES=worker unless the environment says otherwise; DATABASE_URL
// required). Same start-up and shutdown as main.ts; see docs/decisions/process-roles.md.
process.env.PROCESS_ROLES ||= 'worker';
await import('./main.js');
