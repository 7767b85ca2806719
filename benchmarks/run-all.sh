#!/usr/bin/env bash
# Kyoto against its peers, in one run, on one machine: builds what is missing, runs every job with
# interleaved rounds, and writes the medians and the Kyoto ÷ peer ratios to
# docs/benchmarks/latest.md and a bar chart to docs/benchmarks/latest.svg (plus the raw results
# in docs/benchmarks/latest-raw/).
#
# usage: benchmarks/run-all.sh [--quick] [--build|--no-build] [--jobs "LIST"]
#
#   --quick      short settings to check that everything works (about 3.5 minutes; figures meaningless)
#   --build      always run `mvn package` first (default: only when a jar is missing)
#   --no-build   never build; fail if a jar is missing
#   --jobs LIST  a subset of: startup http echo idle-conns idle-tasks rtbench jmh (default: all)
#
# Jobs (the peers: tokio/hyper and nginx from $ANCHORS, Netty/Vert.x/Helidon written in
# benchmarks/src/main/java/io/kyoto/benchmarks/peers on their Maven artifacts):
#   startup     process start -> first HTTP 200 on GET /, ms (lower is better); STARTUP_RUNS runs each
#   http        wrk -t1 on loopback, req/s (higher is better), every server up at once, one wrk at a
#               time: plaintext GET / at 64 and 256 connections, plaintext pipelined 16 deep at 64
#               connections (pipeline.lua), and GET /json at 64 connections; with 2+ CPUs also
#               plaintext at 64 connections with the server pinned to CPU 0 and wrk to CPU 1
#   echo        TCP echo, ECHO_CONNS connections x ECHO_SIZE bytes, round trips/s from $ANCHORS/echo_load
#               (Kyoto: examples/echo on epoll; tokio echo; Netty epoll)
#   idle-conns  VmRSS (all processes of the server) holding IDLE_CONNS keep-alive connections, each
#               after one GET / (IdleConnections client); MB (lower is better)
#   idle-tasks  heap bytes per sleeping task after full GC: N Kyoto tasks in Time.sleep(1h) vs N
#               virtual threads in Thread.sleep(1h) (IdleTasks); lower is better
#   rtbench     benchmarks/rtbench.sh: tokio's rtbench cases, ns/op, Kyoto (RtBench, 3 rounds) vs
#               tokio ($ANCHORS/rtbench) vs the JDK (anchors.JdkRtBench), each harness run 7 times
#               interleaved (1 in quick mode), median of the runs' last rounds; lower is better
#   jmh         the JMH micro-benchmarks (kyoto-benchmarks-jmh.jar): runtime, channels, timers,
#               select (generated / hand-written / Select / CompletableFuture.anyOf), HTTP codec
#
# Settings (environment; defaults shown for the full run, about 13 minutes on 2 cores: 15.3 min
# measured with ROUNDS=5 on a loaded machine, each round of the http job takes about 1.5 min):
#   ROUNDS=4 SECONDS=4 WARMUP=5 STARTUP_RUNS=5 IDLE_CONNS=10000 IDLE_TASKS=1000000 IDLE_TASK_ROUNDS=3
#   ECHO_CONNS=64 ECHO_SIZE=1024 WORKERS=2 JMH_OPTS="-f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc"
#   JAVA_HOME (a JDK 25; default /usr/lib/jvm/temurin-25-jdk-amd64), ANCHORS (default /tmp/kyoto-anchors),
#   MVN_FLAGS (extra flags for mvn, e.g. -Dmaven.repo.local=...), OUT_DIR (default docs/benchmarks)
# Needs: wrk, curl, python3; optional: nginx, and the anchors built by ../shared/anchors/build.sh
# (a missing peer is skipped and reported as missing). Rounds interleave the subjects (and the
# jobs), medians are taken per subject; this machine's absolute figures are not comparable with
# another run's, only the ratios inside one run are.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=; BUILD=auto; JOBS="startup http echo idle-conns idle-tasks rtbench jmh"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --build) BUILD=always ;;
    --no-build) BUILD=never ;;
    --jobs) JOBS=$2; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# SECONDS is special in bash (it counts up from the shell's start), so read the caller's value
# from this process's environment.
ENV_SECONDS=$(tr '\0' '\n' < /proc/$$/environ | sed -n 's/^SECONDS=//p')
if [ -n "$QUICK" ]; then
  : "${ROUNDS:=2}" "${ENV_SECONDS:=2}" "${WARMUP:=1}" "${STARTUP_RUNS:=2}"
  : "${IDLE_CONNS:=2000}" "${IDLE_TASKS:=100000}" "${IDLE_TASK_ROUNDS:=1}"
  : "${JMH_OPTS:=-f 1 -wi 1 -i 1 -w 200ms -r 300ms -prof gc}"
fi
ROUNDS=${ROUNDS:-4}
SECS=${ENV_SECONDS:-4}
WARMUP=${WARMUP:-5} # per server and path, after a 1 s run: the JVMs (Kyoto, Netty, Vert.x, Helidon) keep compiling for ~5 s
STARTUP_RUNS=${STARTUP_RUNS:-5}
IDLE_CONNS=${IDLE_CONNS:-10000}
IDLE_TASKS=${IDLE_TASKS:-1000000}
IDLE_TASK_ROUNDS=${IDLE_TASK_ROUNDS:-3}
ECHO_CONNS=${ECHO_CONNS:-64}
ECHO_SIZE=${ECHO_SIZE:-1024}
WORKERS=${WORKERS:-2}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
J="$JAVA_HOME/bin/java"
ANCHORS=${ANCHORS:-${ANCHORS_OUT:-/tmp/kyoto-anchors}}
OUT_DIR=${OUT_DIR:-$ROOT/docs/benchmarks}
MVN=${MVN:-mvn}
MVN_FLAGS=${MVN_FLAGS:-}

BJAR=$ROOT/benchmarks/target/kyoto-benchmarks.jar
JMHJAR=$ROOT/benchmarks/target/kyoto-benchmarks-jmh.jar
ECHOJAR=$ROOT/examples/echo/target/echo.jar
CP="$BJAR:$ROOT/benchmarks/target/lib/*"
JV="$J --enable-native-access=ALL-UNNAMED"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
has_job() { case " $JOBS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

"$J" -version 2>&1 | grep -q 'version "2[5-9]' || { echo "JAVA_HOME=$JAVA_HOME is not a JDK 25+" >&2; exit 1; }
for tool in curl python3; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
has_job http && ! command -v wrk >/dev/null && { echo "the http job needs wrk" >&2; exit 1; }

# ---- build ---------------------------------------------------------------------------------
missing=
for f in "$BJAR" "$JMHJAR" "$ECHOJAR" "$ROOT/benchmarks/target/lib"; do [ -e "$f" ] || missing=1; done
if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && [ -n "$missing" ]; }; then
  log "building: $MVN -B -q $MVN_FLAGS -DskipTests -pl benchmarks,examples/echo -am package"
  # shellcheck disable=SC2086
  "$MVN" -B -q $MVN_FLAGS -DskipTests -pl benchmarks,examples/echo -am package || exit 1
elif [ -n "$missing" ]; then
  echo "missing jars under benchmarks/target or examples/echo/target and --no-build given" >&2; exit 1
fi

# ---- bookkeeping ---------------------------------------------------------------------------
RAW=$OUT_DIR/latest-raw
mkdir -p "$OUT_DIR" "$RAW"
rm -f "$RAW"/*
RES=$RAW/results.tsv
: > "$RES"
TMP=$(mktemp -d /tmp/kyoto-run-all.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# record JOB CASE SUBJECT VALUE UNIT [NOTE]
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-}" >> "$RES"; }

START_TS=$(date +%s)
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host_cpus=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem_total=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "jdk=$("$J" -version 2>&1 | head -1)"
  echo "jdk_vm=$("$J" -version 2>&1 | tail -1)"
  echo "wrk=$(wrk -v 2>&1 | head -1)"
  echo "nginx=$(nginx -v 2>&1 | sed 's/.*: //')"
  echo "mode=$([ -n "$QUICK" ] && echo quick || echo full)"
  echo "settings=ROUNDS=$ROUNDS SECONDS=$SECS WARMUP=$WARMUP STARTUP_RUNS=$STARTUP_RUNS IDLE_CONNS=$IDLE_CONNS IDLE_TASKS=$IDLE_TASKS IDLE_TASK_ROUNDS=$IDLE_TASK_ROUNDS ECHO=${ECHO_CONNS}x${ECHO_SIZE}B WORKERS=$WORKERS JMH_OPTS=$JMH_OPTS"
  echo "jobs=$JOBS"
} > "$RAW/meta.txt"

# Raise the open-file limit for 10k connections (client and server each hold one fd per conn).
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 65535 ]; then ulimit -n 65535; else ulimit -n "$hard"; fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE_CONNS + 1000)) ]; then
  log "open-file limit $(ulimit -n) < IDLE_CONNS+1000: lowering IDLE_CONNS to $(( $(ulimit -n) - 1000 ))"
  IDLE_CONNS=$(( $(ulimit -n) - 1000 ))
fi
echo "ulimit_n=$(ulimit -n)" >> "$RAW/meta.txt"

# nginx: the anchors' hello config, derived at run time (not copied into the project) with our
# port, a /json location and enough worker_connections for the idle-connections job.
NGX_CONF=
if command -v nginx >/dev/null && [ -f "${NGINX_CONF_SRC:=/work/shared/anchors/nginx-hello.conf}" ]; then
  mkdir -p "$TMP/ngx"
  NGX_CONF=$TMP/ngx/nginx.conf
  json_loc="location = /json { default_type application/json; return 200 '{\"message\":\"Hello, World!\"}'; }"
  sed -e "s#/tmp/ngx#$TMP/ngx#g" -e 's/listen 127.0.0.1:7006/listen 127.0.0.1:PORT/' \
      -e 's/worker_connections [0-9]*/worker_connections 16384/' \
      -e "s#location / {#$json_loc\n    location / {#" \
      "$NGINX_CONF_SRC" > "$NGX_CONF.in"
fi
nginx_cmd() { sed "s/PORT/$1/" "$NGX_CONF.in" > "$TMP/ngx/nginx-$1.conf"; echo "nginx -p $TMP/ngx -e $TMP/ngx/error.log -c $TMP/ngx/nginx-$1.conf"; }

# The HTTP servers: name|port|command|jobs (P = plaintext incl. pipelined, J = /json, S = startup,
# I = idle connections). kyoto-router is Kyoto's JSON server and is reported as "kyoto" in the JSON
# job, where it answers /json through the Router (HttpJson); HttpHello is a bare service.
HTTP_SERVERS=(
  "kyoto|7410|$JV -cp $CP io.kyoto.benchmarks.HttpHello 7410 $WORKERS|PSI"
  "kyoto-router|7420|$JV -cp $CP io.kyoto.benchmarks.HttpJson 7420 $WORKERS|J"
)
if [ -x "$ANCHORS/hello" ]; then HTTP_SERVERS+=("hyper|7401|$ANCHORS/hello 127.0.0.1:7401|PSI")
else log "hyper: $ANCHORS/hello missing (run ../shared/anchors/build.sh); skipped"; fi
if [ -n "$NGX_CONF" ]; then HTTP_SERVERS+=("nginx|7406|$(nginx_cmd 7406)|PJSI")
else log "nginx or its config missing; skipped"; fi
HTTP_SERVERS+=(
  "netty|7411|$JV -cp $CP io.kyoto.benchmarks.peers.NettyPeer http 7411 $WORKERS|PJSI"
  "vertx|7414|$JV -cp $CP io.kyoto.benchmarks.peers.VertxPeer 7414 $WORKERS|PJSI"
  "helidon|7415|$JV -cp $CP io.kyoto.benchmarks.peers.HelidonPeer 7415|PJSI"
)

spec_field() { IFS='|' read -r _n _p _c _j <<<"$1"; case $2 in name) echo "$_n" ;; port) echo "$_p" ;; cmd) echo "$_c" ;; jobs) echo "$_j" ;; esac; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_server() { # name port cmd -> sets LAST_PID
  if port_busy "$2"; then log "port $2 for $1 is already in use; skipping $1"; return 1; fi
  bash -c "exec $3" > "$RAW/server-$1.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
stop_pid() { kill "$1" 2>/dev/null; for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null; }
rss_kb() { # VmRSS of a process and all its descendants, kB
  local total=0 p kids
  for p in "$@"; do
    total=$(( total + $(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
    kids=$(pgrep -P "$p" | tr '\n' ' ')
    [ -n "$kids" ] && total=$(( total + $(rss_kb $kids) ))
  done
  echo "$total"
}

# ---- job: start-up ---------------------------------------------------------------------------
job_startup() {
  log "startup: $STARTUP_RUNS runs per server, interleaved"
  local run spec name port cmd t0 t1 pid
  for run in $(seq "$STARTUP_RUNS"); do
    for spec in "${HTTP_SERVERS[@]}"; do
      [[ $(spec_field "$spec" jobs) == *S* ]] || continue
      name=$(spec_field "$spec" name); port=$(spec_field "$spec" port); cmd=$(spec_field "$spec" cmd)
      port_busy "$port" && { log "port $port busy; startup of $name skipped"; continue; }
      t0=$(date +%s%N)
      bash -c "exec $cmd" > "$RAW/startup-$name.log" 2>&1 &
      pid=$!; PIDS+=("$pid")
      if wait_http "$port" 6000 0.005; then
        t1=$(date +%s%N)
        record startup "start to first 200 (ms)" "$name" $(( (t1 - t0) / 1000000 )) ms
      else
        log "startup: $name did not answer; see $RAW/startup-$name.log"
      fi
      stop_pid "$pid"
    done
  done
}
wait_http() { # port [tries] [pause]: polls GET / until a 2xx
  local tries=${2:-600} pause=${3:-0.05}
  for _ in $(seq "$tries"); do curl -sf -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep "$pause"; done
  return 1
}

# ---- job: HTTP throughput ------------------------------------------------------------------------
run_wrk() { # job case subject port conns path [pipeline-depth]; $WRK_CPU: the CPU to run wrk on
  local out v err wrk=(wrk)
  [ -n "${WRK_CPU:-}" ] && wrk=(taskset -c "$WRK_CPU" wrk)
  if [ -n "${7:-}" ]; then
    out=$("${wrk[@]}" -t1 -c"$5" -d"${SECS}s" -s "$ROOT/benchmarks/pipeline.lua" "http://127.0.0.1:$4$6" -- "$7" 2>&1)
  else
    out=$("${wrk[@]}" -t1 -c"$5" -d"${SECS}s" "http://127.0.0.1:$4$6" 2>&1)
  fi
  echo "== $3 $2" >> "$RAW/wrk.log"; echo "$out" >> "$RAW/wrk.log"
  v=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  err=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | tr '\n' ';')
  record "$1" "$2" "$3" "${v:-0}" req/s "$err"
}
pin_tree() { # cpus pid: sets the CPU affinity of a process, every thread of it, and its children
  local p
  taskset -a -p -c "$1" "$2" >/dev/null 2>&1
  for p in $(pgrep -P "$2"); do pin_tree "$1" "$p"; done
}
job_http() {
  local spec name port jobs pid up=()
  local -A server_pid=()
  # With two CPUs or more, plaintext is also measured with the server on CPU 0 and wrk on CPU 1
  # (the same processes, their affinity changed for that run only): in the other rows the server
  # and wrk share every CPU, so a server's throughput there also depends on how much CPU it leaves
  # to wrk; pinned, each has one core, as with a load generator on another machine.
  local pin=; [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && pin=1
  log "http: starting ${#HTTP_SERVERS[@]} servers"
  for spec in "${HTTP_SERVERS[@]}"; do
    name=$(spec_field "$spec" name); port=$(spec_field "$spec" port)
    start_server "$name" "$port" "$(spec_field "$spec" cmd)" || continue
    server_pid[$name]=$LAST_PID
  done
  for spec in "${HTTP_SERVERS[@]}"; do
    name=$(spec_field "$spec" name); port=$(spec_field "$spec" port); jobs=$(spec_field "$spec" jobs)
    if wait_http "$port" 1200; then
      up+=("$spec")
      # Warm-up (JIT) on each path the server is measured on: a 1 s run first, so that the
      # profiled code has seen connections open and close before the long run (every measured
      # run opens 64 new connections; without this, the first round of a JVM server starts by
      # deoptimizing the methods its connection set-up had never run compiled: 14-25
      # deoptimizations and -10 % in Kyoto's first round, 2-8 and no loss after a 1 s run).
      if [[ $jobs == *P* ]]; then
        wrk -t1 -c64 -d1s "http://127.0.0.1:$port/" >/dev/null 2>&1
        wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null 2>&1
      fi
      if [[ $jobs == *J* ]]; then
        wrk -t1 -c64 -d1s "http://127.0.0.1:$port/json" >/dev/null 2>&1
        wrk -t1 -c64 -d"${WARMUP}s" "http://127.0.0.1:$port/json" >/dev/null 2>&1
      fi
    else
      log "http: $name did not start; see $RAW/server-$name.log"
    fi
  done
  local r i n=${#up[@]}
  for r in $(seq "$ROUNDS"); do
    log "http: round $r/$ROUNDS"
    for i in $(seq 0 $((n - 1))); do
      spec=${up[$(( (i + r - 1) % n ))]} # rotate the order every round
      name=$(spec_field "$spec" name); port=$(spec_field "$spec" port); jobs=$(spec_field "$spec" jobs)
      if [[ $jobs == *P* ]]; then
        run_wrk http "plaintext, 64 conns (req/s)" "$name" "$port" 64 /
        run_wrk http "plaintext, 256 conns (req/s)" "$name" "$port" 256 /
        run_wrk http "plaintext, 64 conns pipelined x16 (req/s)" "$name" "$port" 64 / 16
        if [ -n "$pin" ]; then
          pin_tree 0 "${server_pid[$name]}"
          WRK_CPU=1 run_wrk http "plaintext, 64 conns, server and wrk on one CPU each (req/s)" "$name" "$port" 64 /
          pin_tree "0-$(( $(nproc) - 1 ))" "${server_pid[$name]}"
        fi
      fi
      if [[ $jobs == *J* ]]; then
        [ "$name" = kyoto-router ] && name=kyoto
        run_wrk http "JSON /json, 64 conns (req/s)" "$name" "$port" 64 /json
      fi
    done
  done
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  PIDS=()
}

# ---- job: TCP echo -------------------------------------------------------------------------------
job_echo() {
  [ -x "$ANCHORS/echo_load" ] || { log "echo: $ANCHORS/echo_load missing (run ../shared/anchors/build.sh); skipped"; return; }
  local specs=("kyoto|7430|$J -Dkyoto.reactor.backend=epoll --enable-native-access=ALL-UNNAMED -jar $ECHOJAR 127.0.0.1:7430")
  [ -x "$ANCHORS/echo" ] && specs+=("tokio|7431|$ANCHORS/echo 127.0.0.1:7431")
  specs+=("netty|7432|$JV -cp $CP io.kyoto.benchmarks.peers.NettyPeer echo 7432 $WORKERS")
  local spec name port up=() ok r i n v
  log "echo: ${#specs[@]} servers, ${ECHO_CONNS} conns x ${ECHO_SIZE} B"
  for spec in "${specs[@]}"; do
    start_server "$(spec_field "$spec" name)" "$(spec_field "$spec" port)" "$(spec_field "$spec" cmd)" || continue
  done
  for spec in "${specs[@]}"; do
    name=$(spec_field "$spec" name); port=$(spec_field "$spec" port); ok=
    for _ in $(seq 600); do port_busy "$port" && { ok=1; break; }; sleep 0.05; done
    [ -n "$ok" ] || { log "echo: $name did not start"; continue; }
    up+=("$spec")
    "$ANCHORS/echo_load" "127.0.0.1:$port" "$ECHO_CONNS" "$ECHO_SIZE" "$WARMUP" >/dev/null 2>&1
  done
  n=${#up[@]}
  for r in $(seq "$ROUNDS"); do
    for i in $(seq 0 $((n - 1))); do
      spec=${up[$(( (i + r - 1) % n ))]}
      name=$(spec_field "$spec" name); port=$(spec_field "$spec" port)
      v=$("$ANCHORS/echo_load" "127.0.0.1:$port" "$ECHO_CONNS" "$ECHO_SIZE" "$SECS" 2>>"$RAW/echo.log" | sed -n 's/.*round_trips_per_s=\([0-9.]*\).*/\1/p')
      record echo "TCP echo ${ECHO_CONNS} x ${ECHO_SIZE} B (round trips/s)" "$name" "${v:-0}" rt/s
    done
  done
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  PIDS=()
}

# ---- job: resident memory with idle keep-alive connections ---------------------------------------
job_idle_conns() {
  log "idle-conns: $IDLE_CONNS connections per server, one server at a time"
  local spec name port pid rss0 rss1 cpid line
  for spec in "${HTTP_SERVERS[@]}"; do
    [[ $(spec_field "$spec" jobs) == *I* ]] || continue
    name=$(spec_field "$spec" name); port=$(spec_field "$spec" port)
    start_server "$name" "$port" "$(spec_field "$spec" cmd)" || continue
    pid=$LAST_PID
    if ! wait_http "$port" 1200; then log "idle-conns: $name did not start"; stop_pid "$pid"; continue; fi
    sleep 0.5
    rss0=$(rss_kb "$pid")
    rm -f "$TMP/hold" "$TMP/idle.out"; mkfifo "$TMP/hold"
    "$J" -cp "$CP" io.kyoto.benchmarks.IdleConnections 127.0.0.1 "$port" "$IDLE_CONNS" < "$TMP/hold" > "$TMP/idle.out" 2>&1 &
    cpid=$!; PIDS+=("$cpid")
    exec 8>"$TMP/hold"
    for _ in $(seq 1200); do grep -q '^held=' "$TMP/idle.out" 2>/dev/null && break; kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
    sleep 1
    rss1=$(rss_kb "$pid")
    line=$(grep '^held=' "$TMP/idle.out" || tail -n 3 "$TMP/idle.out" | tr '\n' ' ')
    exec 8>&-
    wait "$cpid" 2>/dev/null
    echo "$name rss_before_kb=$rss0 rss_with_conns_kb=$rss1 client: $line" >> "$RAW/idle-conns.log"
    record idle-conns "RSS with $IDLE_CONNS idle keep-alive conns (MB)" "$name" "$(awk -v k="$rss1" 'BEGIN{printf "%.1f", k/1024}')" MB "$line"
    record idle-conns "RSS added per idle conn (KB)" "$name" "$(awk -v a="$rss0" -v b="$rss1" -v n="$IDLE_CONNS" 'BEGIN{printf "%.2f", (b-a)/n}')" KB "$line"
    stop_pid "$pid"
  done
  PIDS=()
}

# ---- job: heap per idle task --------------------------------------------------------------------
job_idle_tasks() {
  log "idle-tasks: $IDLE_TASKS tasks, $IDLE_TASK_ROUNDS rounds"
  local r kind line v name
  for r in $(seq "$IDLE_TASK_ROUNDS"); do
    for kind in kyoto vthreads; do
      line=$(timeout 600 $JV -Xms2g -Xmx6g -XX:+UseG1GC -cp "$CP" io.kyoto.benchmarks.IdleTasks "$kind" "$IDLE_TASKS" 2>>"$RAW/idle-tasks.log" | grep '^idle_tasks')
      echo "$line" >> "$RAW/idle-tasks.log"
      v=$(sed -n 's/.*heap_bytes_per_task=\([0-9.-]*\).*/\1/p' <<<"$line")
      name=$kind; [ "$kind" = vthreads ] && name=virtual-threads
      record idle-tasks "heap per sleeping task, $IDLE_TASKS tasks (B)" "$name" "${v:-0}" B "$line"
    done
  done
}

# ---- job: runtime micro-benchmarks against tokio and the JDK (rtbench.sh) -----------------------
job_rtbench() {
  log "rtbench: Kyoto RtBench vs tokio rtbench vs JDK"
  REPEAT=$([ -n "$QUICK" ] && echo 1 || echo 7) WARM=$([ -n "$QUICK" ] && echo 1 || echo 3) KYOTO_ANCHORS=$ANCHORS "$ROOT/benchmarks/rtbench.sh" 3 > "$RAW/rtbench.md" 2> "$RAW/rtbench.log" \
    || log "rtbench failed; see $RAW/rtbench.log"
}

# ---- job: JMH ----------------------------------------------------------------------------------
job_jmh() {
  log "jmh: $JMH_OPTS"
  # shellcheck disable=SC2086
  "$J" --enable-native-access=ALL-UNNAMED -jar "$JMHJAR" $JMH_OPTS -rf json -rff "$RAW/jmh.json" > "$RAW/jmh.log" 2>&1 \
    || log "jmh failed; see $RAW/jmh.log"
}

has_job startup && job_startup
has_job http && job_http
has_job echo && job_echo
has_job idle-conns && job_idle_conns
has_job idle-tasks && job_idle_tasks
has_job rtbench && job_rtbench
has_job jmh && job_jmh

echo "elapsed_s=$(( $(date +%s) - START_TS ))" >> "$RAW/meta.txt"
echo "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/meta.txt"
python3 "$ROOT/benchmarks/report.py" "$RAW" "$OUT_DIR/latest.md" "$OUT_DIR/latest.svg" || exit 1
log "wrote $OUT_DIR/latest.md and $OUT_DIR/latest.svg (raw results in $RAW)"
cat "$OUT_DIR/latest.md"
