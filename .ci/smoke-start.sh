#!/usr/bin/env bash
# Smoke: `npm start` on a fresh clone answers GET /api/health within 180 s (it builds the site first), and a restart keeps the data.
# Then, with no admin action: /api/summaries lists the latest due month for the division and every 垦区, and the mail
# catcher holds exactly one summary for each seeded recipient (a restart sends none again).
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT="${SMOKE_PORT:-3710}" DYNAMODB_PORT="${SMOKE_DYNAMODB_PORT:-8710}" MAIL_SMTP_PORT="${SMOKE_SMTP_PORT:-1710}" MAIL_WEB_PORT="${SMOKE_MAIL_WEB_PORT:-1790}"
log=$(mktemp)

start() {
  setsid npm start >"$log" 2>&1 < /dev/null &
  pid=$!
  local t0=$SECONDS
  until curl -fsS "http://localhost:$PORT/api/health" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "npm start exited early:"; cat "$log"; exit 1; fi
    if (( SECONDS - t0 > 180 )); then echo "no /api/health within 180 s:"; cat "$log"; kill -- -"$pid" || true; exit 1; fi
    sleep 1
  done
  echo "npm start: /api/health 200 after $(( SECONDS - t0 )) s"
}
stop() {
  kill -TERM -- -"$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  # npm may exit before its child has finished: give the JVM (it flushes its -dbPath store on TERM) up to
  # 30 s to go. Still running after that is an orphan.
  for i in $(seq 0 30); do
    if ! pgrep -f "DynamoDBLocal.jar -port $DYNAMODB_PORT" >/dev/null; then
      (( i > 0 )) && echo "npm start: DynamoDB Local exited ${i} s after npm"
      return 0
    fi
    sleep 1
  done
  echo "orphan java left behind"; pgrep -af "DynamoDBLocal.jar -port $DYNAMODB_PORT" || true; exit 1
}
wait_running() {
  local t0=$SECONDS
  until grep -q "is running" "$log"; do
    if (( SECONDS - t0 > 300 )); then echo "demo seed did not finish within 300 s:"; cat "$log"; stop; exit 1; fi
    sleep 1
  done
}
count_units() {
  local token
  token=$(npm run --silent token -- admin)
  curl -fsS -H "Authorization: Bearer $token" "http://localhost:$PORT/api/submissions/t33/2020-06" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const b=JSON.parse(s);console.log(b.submission.version)})'
}

# The catch-up run after the seed: wait until the division and every 垦区 have the latest due month archived.
check_summaries() {
  local token t0=$SECONDS
  token=$(npm run --silent token -- admin)
  until node .ci/smoke-summaries.mjs "http://localhost:$PORT" "$token" "http://localhost:$MAIL_WEB_PORT" "$1"; do
    if (( SECONDS - t0 > 240 )); then echo "summaries were not archived and mailed within 240 s:"; tail -30 "$log"; stop; exit 1; fi
    sleep 3
  done
  echo "npm start: summaries archived and mailed after $(( SECONDS - t0 )) s"
}

npm run reset >/dev/null
start
# Wait for the demo seed to finish, then read a seeded submission.
wait_running
v1=$(count_units)
check_summaries once
stop
start
wait_running
grep -q "demo data: already loaded" "$log" || { echo "second start re-seeded the demo data"; cat "$log"; exit 1; }
v2=$(count_units)
# A restart: the archive is still there and nothing is mailed twice (the catch-up finds every delivery recorded).
t0=$SECONDS
until grep -q "summaries caught up" "$log"; do
  if (( SECONDS - t0 > 240 )); then echo "the restart's catch-up did not finish within 240 s:"; tail -30 "$log"; stop; exit 1; fi
  sleep 2
done
check_summaries none
stop
[ "$v1" = "$v2" ] || { echo "data changed across restarts ($v1 → $v2)"; exit 1; }
echo "npm start: data kept across restarts; stopped with no orphan java"
