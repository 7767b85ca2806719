#!/usr/bin/env bash
# TCP echo, 64 connections x 1 KiB round trips, on loopback: Kyoto's runtime echo server
# (examples/echo: a task per connection, Io.copy) and its bare reactor echo server
# (examples/reactor-echo), each on the epoll and nio backends, side by side with tokio's echo and
# Netty's epoll echo, in one run, interleaved rounds, median round trips per second and the ratios
# Kyoto / peer.
#
# usage: benchmarks/echo.sh [ROUNDS=5] [SECONDS=5] [CONNS=64] [SIZE=1024]
# needs: JAVA_HOME -> JDK 25, `mvn -DskipTests package` done, and the peers built by
#        ../shared/anchors/build.sh into $ANCHORS_OUT (default /tmp/kyoto-anchors).
set -eu
rounds=${1:-5}; secs=${2:-5}; conns=${3:-64}; size=${4:-1024}
here=$(cd "$(dirname "$0")/.." && pwd)
anchors=${ANCHORS_OUT:-/tmp/kyoto-anchors}
java=${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java
jar=$here/examples/reactor-echo/target/reactor-echo.jar
rtjar=$here/examples/echo/target/echo.jar
for j in "$jar" "$rtjar"; do
  [ -f "$j" ] || { echo "missing $j: run mvn -B -DskipTests package first" >&2; exit 1; }
done
[ -x "$anchors/echo_load" ] || { echo "missing $anchors/echo_load: run ../shared/anchors/build.sh" >&2; exit 1; }

specs=(
  "kyoto-rt-epoll|7105|$java -Dkyoto.reactor.backend=epoll -jar $rtjar 127.0.0.1:7105"
  "kyoto-rt-nio|7106|$java -Dkyoto.reactor.backend=nio -jar $rtjar 127.0.0.1:7106"
  "kyoto-reactor-epoll|7101|$java -Dkyoto.reactor.backend=epoll -jar $jar 127.0.0.1:7101"
  "kyoto-reactor-nio|7102|$java -Dkyoto.reactor.backend=nio -jar $jar 127.0.0.1:7102"
)
[ -x "$anchors/echo" ] && specs+=("tokio|7103|$anchors/echo 127.0.0.1:7103")
[ -f "$anchors/java-peers.classpath" ] &&
  specs+=("netty-epoll|7104|$java -cp $(cat "$anchors/java-peers.classpath") anchors.NettyEcho 7104 2")

pids=(); names=(); ports=()
for spec in "${specs[@]}"; do
  IFS='|' read -r name port cmd <<<"$spec"
  bash -c "exec $cmd" >"/tmp/echo-bench-$name.log" 2>&1 &
  pids+=($!); names+=("$name"); ports+=("$port")
done
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
up=()
for i in "${!names[@]}"; do
  ok=
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/${ports[$i]}") 2>/dev/null && { ok=1; break; }; sleep 0.1; done
  if [ -z "$ok" ]; then echo "${names[$i]} did not start; see /tmp/echo-bench-${names[$i]}.log" >&2; continue; fi
  up+=("$i")
  "$anchors/echo_load" "127.0.0.1:${ports[$i]}" "$conns" "$size" 3 >/dev/null 2>&1 || true # warm-up (JIT)
done
declare -A res
for _ in $(seq "$rounds"); do
  for i in "${up[@]}"; do
    v=$("$anchors/echo_load" "127.0.0.1:${ports[$i]}" "$conns" "$size" "$secs" 2>/dev/null | sed -n 's/.*round_trips_per_s=\([0-9.]*\).*/\1/p' || true)
    res[${names[$i]}]+="${v:-0} "
  done
done
declare -A med
echo "# TCP echo, $conns connections x $size B, $rounds rounds x ${secs}s, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
for i in "${up[@]}"; do
  n=${names[$i]}
  med[$n]=$(tr ' ' '\n' <<<"${res[$n]}" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}')
  echo "$n median_round_trips_per_s=${med[$n]} rounds=[${res[$n]% }]"
done
for k in kyoto-rt-epoll kyoto-rt-nio kyoto-reactor-epoll kyoto-reactor-nio; do
  for p in tokio netty-epoll; do
    [ -n "${med[$k]:-}" ] && [ -n "${med[$p]:-}" ] && awk -v a="${med[$k]}" -v b="${med[$p]}" -v k="$k" -v p="$p" 'BEGIN{printf "%s / %s = %.2f\n", k, p, a/b}'
  done
done
