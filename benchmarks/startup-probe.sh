#!/usr/bin/env bash
# Start-up probe: process start -> first HTTP 200 on GET /, in ms, the same measurement as
# run-all.sh's startup job, for quick before/after checks of one or more servers.
#
# usage: benchmarks/startup-probe.sh [RUNS=5] [SUBJECT...]
#   SUBJECT: epoll (Kyoto, default backend), nio (Kyoto with -Dkyoto.reactor.backend=nio), netty
#   (default: epoll nio netty). Runs are interleaved; prints every run and the median per subject.
#   base-epoll, base-nio: the same from another build of the project (BASE_ROOT=/path/to/copy, with
#   its benchmarks jar built), for before/after comparisons in one interleaved run.
#   EXTRA_JAVA_OPTS is added to every JVM's command line (e.g. to try an AOT cache for all).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-5}; shift || true
SUBJECTS=("$@"); [ ${#SUBJECTS[@]} -eq 0 ] && SUBJECTS=(epoll nio netty)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CP="$ROOT/benchmarks/target/kyoto-benchmarks.jar:$ROOT/benchmarks/target/lib/*"
BASE_CP="${BASE_ROOT:-/nonexistent}/benchmarks/target/kyoto-benchmarks.jar:${BASE_ROOT:-/nonexistent}/benchmarks/target/lib/*"
JV="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED ${EXTRA_JAVA_OPTS:-}"
PORT=${PORT:-7490}
LOGDIR=${LOGDIR:-/tmp/startup-probe}; mkdir -p "$LOGDIR"

cmd_for() {
  case $1 in
    epoll) echo "$JV -cp $CP io.kyoto.benchmarks.HttpHello $PORT 2" ;;
    nio) echo "$JV -Dkyoto.reactor.backend=nio -cp $CP io.kyoto.benchmarks.HttpHello $PORT 2" ;;
    base-epoll) echo "$JV -cp $BASE_CP io.kyoto.benchmarks.HttpHello $PORT 2" ;;
    base-nio) echo "$JV -Dkyoto.reactor.backend=nio -cp $BASE_CP io.kyoto.benchmarks.HttpHello $PORT 2" ;;
    netty) echo "$JV -cp $CP io.kyoto.benchmarks.peers.NettyPeer http $PORT 2" ;;
    *) echo "unknown subject $1" >&2; exit 2 ;;
  esac
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A RES
for run in $(seq "$RUNS"); do
  for s in "${SUBJECTS[@]}"; do
    while port_busy "$PORT"; do sleep 0.1; done
    cmd=$(cmd_for "$s")
    t0=$(date +%s%N)
    bash -c "exec $cmd" > "$LOGDIR/$s.log" 2>&1 &
    pid=$!
    ok=
    for _ in $(seq 6000); do
      if curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; then ok=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.005
    done
    t1=$(date +%s%N)
    if [ -n "$ok" ]; then ms=$(( (t1 - t0) / 1000000 )); RES[$s]="${RES[$s]:-} $ms"; echo "run $run $s $ms ms"
    else echo "run $run $s FAILED (see $LOGDIR/$s.log)"; fi
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
done
for s in "${SUBJECTS[@]}"; do
  vals=$(tr ' ' '\n' <<<"${RES[$s]:-}" | grep . | sort -n)
  n=$(grep -c . <<<"$vals")
  [ "$n" -eq 0 ] && { echo "$s: no successful run"; continue; }
  med=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$vals")
  echo "$s: median $med ms of $n ($(tr '\n' ' ' <<<"$vals"))"
done
