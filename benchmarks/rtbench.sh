#!/usr/bin/env bash
# Runs the runtime micro-benchmarks side by side, in one run: tokio's rtbench and the JDK's
# (ForkJoinPool/CompletableFuture and virtual threads) from ../shared/anchors, then Kyoto's RtBench.
# Prints a markdown table of ns/op with Kyoto ÷ peer ratios (lower is better): each harness's last
# round, the median over REPEAT interleaved runs (the machine is noisy: one run swings by 2x).
#
#   benchmarks/rtbench.sh [ROUNDS]   Kyoto's rounds, default 3 as the peers (tokio and the JDK always run 3;
#                                    a larger value shows Kyoto warmed up, not a like-for-like run).
#   REPEAT=N (default 5)             how many times each of the three harnesses runs, interleaved.
#   WARM=N (default 3; 0 to skip)    after them, N runs of Kyoto alone with 20 rounds each, for the
#                                    "Kyoto warm" column: the median of rounds 11-20, then over the
#                                    runs. It shows the per-operation cost without the JIT's warm-up
#                                    (tokio has none; the JDK's harness has far less code to compile),
#                                    and is not the like-for-like figure, which stays the third round.
#   AOT=1                            both Java harnesses run with a JDK AOT cache of their own
#                                    (-XX:AOTCache, JDK 25: classes loaded and linked, method
#                                    profiles), each trained first by one 3-round run of itself.
#                                    tokio is compiled ahead of time; this is the JVM's nearest
#                                    equivalent, given to Kyoto and the JDK alike. Off by default.
#   The peers must be built first: ../shared/anchors/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
REPEAT=${REPEAT:-5}
ANCHORS=${KYOTO_ANCHORS:-/tmp/kyoto-anchors}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
J="$JAVA_HOME/bin/java"
OUT=$(mktemp -d)

if [ ! -f benchmarks/target/kyoto-benchmarks.jar ]; then
  mvn -B -q -DskipTests -pl benchmarks -am package
fi

KYOTO_CP=benchmarks/target/kyoto-benchmarks.jar
KYOTO_OPTS=(--enable-native-access=ALL-UNNAMED)
JDK_OPTS=()
if [ "${AOT:-0}" = 1 ]; then
  echo "== training AOT caches (one 3-round run of each Java harness)" >&2
  "$J" -XX:AOTCacheOutput="$OUT/kyoto.aot" "${KYOTO_OPTS[@]}" -cp "$KYOTO_CP" \
    io.kyoto.benchmarks.RtBench 3 > "$OUT/train.log" 2>&1
  KYOTO_OPTS+=(-XX:AOTCache="$OUT/kyoto.aot")
  if [ -f "$ANCHORS/java-peers.classpath" ]; then
    "$J" -XX:AOTCacheOutput="$OUT/jdk.aot" -cp "$(cat "$ANCHORS/java-peers.classpath")" \
      anchors.JdkRtBench >> "$OUT/train.log" 2>&1
    JDK_OPTS+=(-XX:AOTCache="$OUT/jdk.aot")
  fi
fi

[ -x "$ANCHORS/rtbench" ] ||
  echo "tokio rtbench not found in $ANCHORS (run ../shared/anchors/build.sh); skipping" >&2
for rep in $(seq "$REPEAT"); do
  # Each run appends a separator line, so the summary can take every run's last round.
  if [ -x "$ANCHORS/rtbench" ]; then
    echo "== tokio rtbench (run $rep of $REPEAT)" >&2
    "$ANCHORS/rtbench" | tee -a "$OUT/tokio.txt" >&2
  fi
  echo "--" >> "$OUT/tokio.txt"
  if [ -f "$ANCHORS/java-peers.classpath" ]; then
    echo "== JDK (anchors.JdkRtBench, run $rep of $REPEAT)" >&2
    "$J" ${JDK_OPTS[@]+"${JDK_OPTS[@]}"} -cp "$(cat "$ANCHORS/java-peers.classpath")" anchors.JdkRtBench | tee -a "$OUT/jdk.txt" >&2
  fi
  echo "--" >> "$OUT/jdk.txt"
  echo "== Kyoto (io.kyoto.benchmarks.RtBench, run $rep of $REPEAT)" >&2
  "$J" "${KYOTO_OPTS[@]}" -cp "$KYOTO_CP" io.kyoto.benchmarks.RtBench "$ROUNDS" | tee -a "$OUT/kyoto.txt" >&2
  echo "--" >> "$OUT/kyoto.txt"
done

WARM=${WARM:-3}
for rep in $(seq "$WARM"); do
  echo "== Kyoto warm (20 rounds, run $rep of $WARM)" >&2
  "$J" "${KYOTO_OPTS[@]}" -cp "$KYOTO_CP" io.kyoto.benchmarks.RtBench 20 | tee -a "$OUT/warm.txt" >&2
  echo "--" >> "$OUT/warm.txt"
done

python3 - "$OUT" <<'PY'
import re, sys, os, statistics
out = sys.argv[1]
def last(path):
    # Each run's last round per case (later rounds overwrite earlier ones), then the median over runs.
    runs, vals = [], {}
    for line in open(os.path.join(out, path)):
        if line.strip() == '--':
            if vals:
                runs.append(vals)
            vals = {}
            continue
        m = re.match(r'\s*(.+?)\s+ops=\d+\s+ns/op=([\d.]+)', line)
        if m:
            vals[m.group(1).strip()] = float(m.group(2))
    names = {n for r in runs for n in r}
    return {n: statistics.median([r[n] for r in runs if n in r]) for n in names}
def warm(path):
    # Each warm run's rounds 11-20 per case: their median, then the median over runs.
    if not os.path.exists(os.path.join(out, path)):
        return {}
    runs, vals = [], {}
    for line in open(os.path.join(out, path)):
        if line.strip() == '--':
            if vals:
                runs.append({n: statistics.median(v[10:] or v) for n, v in vals.items()})
            vals = {}
            continue
        m = re.match(r'\s*(.+?)\s+ops=\d+\s+ns/op=([\d.]+)', line)
        if m:
            vals.setdefault(m.group(1).strip(), []).append(float(m.group(2)))
    names = {n for r in runs for n in r}
    return {n: statistics.median([r[n] for r in runs if n in r]) for n in names}
tokio, jdk, kyoto, kwarm = last('tokio.txt'), last('jdk.txt'), last('kyoto.txt'), warm('warm.txt')
cases = [('spawn_many', 'spawn_many'), ('yield_many', 'yield_many'), ('ping_pong', 'ping_pong'),
         ('chained_spawn', 'chained_spawn'), ('mpsc_bounded_4x250k', 'mpsc_4x250k'),
         ('timeout_never_fires', 'timeout_never_fires'), ('sleep_1ms_10k_tasks_x10', None)]
def fmt(v): return '—' if v is None else f'{v:.1f}'
def ratio(a, b): return '—' if a is None or b is None else f'{a / b:.2f}'
if os.environ.get('AOT') == '1':
    print('Both Java harnesses ran with an AOT cache trained on themselves (AOT=1).\n')
print('| case | Kyoto ns/op | tokio ns/op | best JDK ns/op (variant) | Kyoto ÷ tokio | Kyoto ÷ JDK | Kyoto warm ns/op (÷ tokio / ÷ JDK) |')
print('|---|---|---|---|---|---|---|')
for name, jdkname in cases:
    k = kyoto.get(name); t = tokio.get(name)
    j = None; jv = ''
    if jdkname:
        cands = {n: v for n, v in jdk.items() if n.endswith(jdkname)}
        if cands:
            jv, j = min(cands.items(), key=lambda kv: kv[1])
    w = kwarm.get(name)
    wcol = '—' if w is None else f'{w:.1f} ({ratio(w, t)} / {ratio(w, j)})'
    print(f'| {name} | {fmt(k)} | {fmt(t)} | {fmt(j)}{" (" + jv + ")" if jv else ""} | {ratio(k, t)} | {ratio(k, j)} | {wcol} |')
PY
rm -rf "$OUT"
