#!/usr/bin/env bash
# Smoke test of the README's start command on a fresh embedded database:
#  1. `npm start` boots, prints the admin credentials, /readyz answers 200;
#  2. SIGTERM sent to npm stops it with exit code 0 and leaves no node or postgres process behind;
#  3. after a SIGKILL (which orphans postgres), `npm start` recovers and serves again;
#  4. a second start on the same data directory is refused with a clear message and a non-zero exit;
#  5. the production build (npm run build; built here when dist/ is missing) starts with NODE_ENV=production
#     on the first start's database, serves /readyz and the panel with the pre-built component bundle
#     (AdminJS bundles nothing at run time), and stops with exit code 0 on SIGTERM; its job worker alone
#     (PROCESS_ROLES=worker, npm run worker:prod) starts, runs and stops with exit code 0 on SIGTERM;
#  6. the job worker runs in its own child process of npm start: it is restarted when it dies, stopped with
#     its parent on SIGTERM, and exits on its own when its parent is killed (SIGKILL).
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/ledgerline-smoke-XXXXXX)
chmod 755 "$tmp"
export EMBEDDED_PG_DIR="$tmp/pg" LOG_LEVEL=warn LOG_PRETTY=false NODE_ENV=development
unset DATABASE_URL
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
port=$(free_port)
pg_port=$(free_port)
btcpay_port=$(free_port)
export PORT=$port EMBEDDED_PG_PORT=$pg_port DEV_BTCPAY_PORT=$btcpay_port
fail() { echo "SMOKE FAIL: $*"; echo "--- log"; tail -n 40 "$tmp"/*.log 2>/dev/null; pkill -f "$tmp/pg" 2>/dev/null; exit 1; }
postgres_left() { pgrep -f -- "$tmp/pg" >/dev/null; }
# npm start execs `node --import tsx src/main.ts` (the shell npm starts becomes node), so a SIGTERM sent to npm, as a
# process manager or `kill <pid>` sends it to the one process it knows, reaches the service, and npm then exits
# with its exit code. Without the exec the shell died of it and left node, its worker and postgres running.
app_pid() {
  local queue=("$pid") p c
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "src/main.ts" && ! tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "^npm\|^sh "; then echo "$p"; return 0; fi
    for c in $(pgrep -P "$p"); do queue+=("$c"); done
  done
  return 1
}
# The supervised job worker: a child of the app process started with LEDGERLINE_SUPERVISED_WORKER=1.
worker_pid() {
  local app c
  app=$(app_pid) || return 1
  for c in $(pgrep -P "$app"); do
    tr '\0' '\n' <"/proc/$c/environ" 2>/dev/null | grep -qx "LEDGERLINE_SUPERVISED_WORKER=1" && { echo "$c"; return 0; }
  done
  return 1
}
wait_worker() { # [pid that must not be the one found]
  local w
  for _ in $(seq 1 60); do
    w=$(worker_pid) && [ "$w" != "${1:-}" ] && { echo "$w"; return 0; }
    sleep 0.5
  done
  return 1
}
gone() { for _ in $(seq 1 40); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done; return 1; }
wait_ready() {
  for _ in $(seq 1 180); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

echo "smoke: npm start on port $port with data in $tmp/pg"
npm start >"$tmp/start1.log" 2>&1 &
pid=$!
wait_ready || fail "/readyz did not answer 200"
# The banner follows readiness by a moment (development connects the demo shop to the fake processors after
# listening, since their webhooks need the port): wait for it rather than racing it.
banner_printed() { for _ in $(seq 1 60); do grep -q "password:" "$tmp/start1.log" && return 0; sleep 0.5; done; return 1; }
banner_printed || fail "admin credentials were not printed on first start"
body=$(curl -fsS "http://127.0.0.1:$port/readyz") || fail "/readyz not 200"
echo "smoke: /readyz -> $body"

# 6. The job worker's own process: killed, it is started again by its supervisor.
w1=$(wait_worker) || fail "no job worker child process was started"
kill -KILL "$w1"
w2=$(wait_worker "$w1") || fail "the job worker process was not restarted after SIGKILL"
grep -q "the job worker process exited; restarting it" "$tmp/start1.log" || fail "the restart of the job worker was not logged"
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || fail "/readyz failed while the job worker restarted"
echo "smoke: job worker child $w1 killed -> restarted as $w2"

# 5. The production build, against the database the first start brought up.
if [ ! -f dist/src/main.js ] || [ ! -f dist/admin-bundle/prebuilt.json ]; then
  npm run build >"$tmp/build.log" 2>&1 || fail "npm run build failed"
fi
prod_port=$(free_port)
# Same database as the development start, so the same secrets key: the demo shop's processor credentials were
# encrypted with the development key (data/dev-secrets.json); another key would rightly refuse to start.
NODE_ENV=production PORT=$prod_port HOST=127.0.0.1 LOG_LEVEL=info WORKERS_ENABLED=false \
  DATABASE_URL="postgresql://postgres:ledgerline@127.0.0.1:$pg_port/ledgerline" \
  DISCORD_APPLICATION_ID=100000000000000001 DISCORD_PUBLIC_KEY=$(printf '0%.0s' {1..64}) \
  DISCORD_BOT_TOKEN=smoke-test-token-not-real-000000 DISCORD_API_BASE_URL=http://127.0.0.1:9/api \
  SESSION_SECRET=smoke-test-session-secret-0123456789 \
  SECRETS_ENCRYPTION_KEYS="$(node -p "require('./data/dev-secrets.json').secretsEncryptionKeys")" \
  node dist/src/main.js >"$tmp/prod.log" 2>&1 &
prod_pid=$!
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$prod_port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$prod_port/readyz" >/dev/null || { kill -KILL $prod_pid; fail "production build: /readyz did not answer 200"; }
first=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$prod_port/admin/login")
[ "${first%% *}" = 200 ] || { kill -KILL $prod_pid; fail "production build: /admin/login answered ${first%% *}"; }
curl -fsS "http://127.0.0.1:$prod_port/admin/frontend/assets/components.bundle.js" | grep -q AdminJS.UserComponents \
  || { kill -KILL $prod_pid; fail "production build: the pre-built component bundle is not served"; }
grep -q "bundling user components" "$tmp/prod.log" && { kill -KILL $prod_pid; fail "production build: AdminJS bundled at run time"; }
kill -TERM $prod_pid; wait $prod_pid; rc=$?
[ "$rc" -eq 0 ] || fail "production build: exit code after SIGTERM was $rc"
echo "smoke: production build served /readyz and the panel (first /admin/login ${first#* } s, pre-built bundle), SIGTERM -> exit 0"
# The production job worker alone, as a deployment runs it beside its web processes, with the README's command
# (npm run worker:prod) and SIGTERM sent to npm, as a supervisor that signals only its main process does: the
# script execs node, so the signal reaches the worker (it used to stop npm and orphan the worker, still running).
NODE_ENV=production LOG_LEVEL=info \
  DATABASE_URL="postgresql://postgres:ledgerline@127.0.0.1:$pg_port/ledgerline" \
  DISCORD_APPLICATION_ID=100000000000000001 DISCORD_PUBLIC_KEY=$(printf '0%.0s' {1..64}) \
  DISCORD_BOT_TOKEN=smoke-test-token-not-real-000000 DISCORD_API_BASE_URL=http://127.0.0.1:9/api DISCORD_GATEWAY_ENABLED=false \
  SESSION_SECRET=smoke-test-session-secret-0123456789 \
  SECRETS_ENCRYPTION_KEYS="$(node -p "require('./data/dev-secrets.json').secretsEncryptionKeys")" \
  npm run -s worker:prod >"$tmp/prod-worker.log" 2>&1 &
prod_worker=$!
for _ in $(seq 1 120); do grep -qs "job worker is running" "$tmp/prod-worker.log" && break; sleep 0.5; done
grep -q "job worker is running" "$tmp/prod-worker.log" || { kill -KILL $prod_worker; fail "production build: the job worker (dist/src/worker.js) did not start"; }
kill -TERM $prod_worker; wait $prod_worker; rc=$?
[ "$rc" -eq 0 ] || fail "production build: job worker exit code after SIGTERM was $rc"
grep -q "shutting down\|stopped" "$tmp/prod-worker.log" || fail "production build: the job worker did not shut down on npm's SIGTERM"
sleep 0.5
# Only a worker of this checkout counts (and is killed): another checkout's dist/src/worker.js may be running.
for p in $(pgrep -f -- "dist/src/worker.js"); do
  [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$PWD" ] || continue
  kill -KILL "$p"; fail "production build: npm run worker:prod left its worker running after SIGTERM"
done
echo "smoke: production job worker (PROCESS_ROLES=worker) started and stopped on SIGTERM with exit 0"
w=$(worker_pid) || fail "no job worker child before SIGTERM"
app=$(app_pid) || fail "no node process found before SIGTERM"
kill -TERM "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || fail "exit code of npm start after SIGTERM to npm was $rc"
gone "$app" || fail "the server process ($app) was left running after SIGTERM to npm"
sleep 0.5
postgres_left && fail "a postgres process was left behind after SIGTERM"
kill -0 "$w" 2>/dev/null && fail "the job worker process ($w) was left behind after SIGTERM"
echo "smoke: SIGTERM to npm -> exit 0, no server, postgres or job worker left"

npm start >"$tmp/start2.log" 2>&1 &
pid=$!
wait_ready || fail "second start did not become ready"
grep -q "password:" "$tmp/start2.log" && fail "the demo seed ran twice"
node_pid=$(app_pid) || fail "no node process found"
w=$(wait_worker) || fail "no job worker child on the second start"
kill -KILL "$node_pid"
wait "$pid" 2>/dev/null
postgres_left || echo "smoke: (postgres exited with its parent)"
gone "$w" || fail "the job worker process ($w) kept running after its parent was killed"
echo "smoke: SIGKILL sent to $node_pid; its job worker $w exited on its own"

npm start >"$tmp/start3.log" 2>&1 &
pid=$!
wait_ready || fail "start after SIGKILL did not become ready"
echo "smoke: restarted after SIGKILL"

PORT=0 npm start >"$tmp/start4.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "a second start on the same data directory did not fail"
grep -q "already using the embedded database" "$tmp/start4.log" || fail "second start did not say why it stopped"
echo "smoke: second start on the same data directory refused (exit $rc)"

app=$(app_pid) || fail "no node process found before SIGTERM"
kill -TERM "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || fail "exit code of npm start after SIGTERM to npm was $rc"
gone "$app" || fail "the server process ($app) was left running after SIGTERM to npm"
sleep 0.5
postgres_left && fail "a postgres process was left behind"
rm -rf "$tmp"
echo "smoke: OK"
