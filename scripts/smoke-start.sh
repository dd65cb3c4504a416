#!/usr/bin/env bash
# Smoke test of the README's start command on a fresh embedded database:
#  1. `npm start` boots, prints the admin credentials, /readyz answers 200;
#  2. SIGTERM stops it with exit code 0 and leaves no postgres process behind;
#  3. after a SIGKILL (which orphans postgres), `npm start` recovers and serves again;
#  4. a second start on the same data directory is refused with a clear message and a non-zero exit.
set -uo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/ledgerline-smoke-XXXXXX)
chmod 755 "$tmp"
export EMBEDDED_PG_DIR="$tmp/pg" LOG_LEVEL=warn LOG_PRETTY=false NODE_ENV=development
unset DATABASE_URL
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export PORT=$port
fail() { echo "SMOKE FAIL: $*"; echo "--- log"; tail -n 40 "$tmp"/*.log 2>/dev/null; pkill -f "$tmp/pg" 2>/dev/null; exit 1; }
postgres_left() { pgrep -f -- "$tmp/pg" >/dev/null; }
# npm start runs `node --import tsx src/main.ts`; signals go to that process (as a process manager or
# Docker would send them), and npm then exits with its exit code.
app_pid() {
  local queue=("$pid") p c
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "src/main.ts" && ! tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "^npm\|^sh "; then echo "$p"; return 0; fi
    for c in $(pgrep -P "$p"); do queue+=("$c"); done
  done
  return 1
}
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
grep -q "password:" "$tmp/start1.log" || fail "admin credentials were not printed on first start"
body=$(curl -fsS "http://127.0.0.1:$port/readyz") || fail "/readyz not 200"
echo "smoke: /readyz -> $body"
kill -TERM "$(app_pid)"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || fail "exit code after SIGTERM was $rc"
sleep 0.5
postgres_left && fail "a postgres process was left behind after SIGTERM"
echo "smoke: SIGTERM -> exit 0, no postgres left"

npm start >"$tmp/start2.log" 2>&1 &
pid=$!
wait_ready || fail "second start did not become ready"
grep -q "password:" "$tmp/start2.log" && fail "the demo seed ran twice"
node_pid=$(app_pid) || fail "no node process found"
kill -KILL "$node_pid"
wait "$pid" 2>/dev/null
postgres_left || echo "smoke: (postgres exited with its parent)"
echo "smoke: SIGKILL sent to $node_pid"

npm start >"$tmp/start3.log" 2>&1 &
pid=$!
wait_ready || fail "start after SIGKILL did not become ready"
echo "smoke: restarted after SIGKILL"

PORT=0 npm start >"$tmp/start4.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "a second start on the same data directory did not fail"
grep -q "already using the embedded database" "$tmp/start4.log" || fail "second start did not say why it stopped"
echo "smoke: second start on the same data directory refused (exit $rc)"

kill -TERM "$(app_pid)"
wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || fail "exit code after SIGTERM was $rc"
sleep 0.5
postgres_left && fail "a postgres process was left behind"
rm -rf "$tmp"
echo "smoke: OK"
