#!/usr/bin/env bash
# Builds (if needed) and runs Kyoto's jcstress tests.
#
#   jcstress/run.sh [sanity|quick|full] [extra jcstress options...]
#
#   sanity  (default) every test once, briefly: a smoke check (about 2-3 minutes on 2 CPUs)
#   quick   jcstress's "quick" mode
#   full    jcstress's "default" mode (longer; use "-m tough" via extra options for more)
#
# Extra options go to org.openjdk.jcstress.Main, e.g. -t LocalQueue (a test-name regex), -c 2.
# Environment: JAVA_HOME (JDK 25+; defaults to the Temurin 25 install), MVN_ARGS (extra Maven
# arguments, e.g. -Dmaven.repo.local=/tmp/m2), SKIP_BUILD=1 to reuse the last build.
# Exit status: jcstress's own (non-zero when a FORBIDDEN outcome or a test error is seen).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"

mode="${1:-sanity}"
if [ $# -gt 0 ]; then shift; fi
case "$mode" in
  sanity) jmode=(-m sanity) ;;
  quick) jmode=(-m quick) ;;
  full) jmode=(-m default) ;;
  *) echo "usage: $0 [sanity|quick|full] [jcstress options...]" >&2; exit 2 ;;
esac

cpfile="$here/target/jcstress.classpath"
stale() {
  [ ! -f "$cpfile" ] || [ ! -f "$here/target/test-classes/META-INF/TestList" ] && return 0
  [ -n "$(find "$root/reactor/src/main" "$root/runtime/src/main" "$here/src" "$here/pom.xml" \
      -newer "$cpfile" -print -quit)" ]
}
if [ "${SKIP_BUILD:-0}" != 1 ] && stale; then
  echo "== building kyoto-jcstress (and the runtime it tests)"
  # package builds the runtime jar in the reactor; build-classpath then writes the test class path
  # of every module in the build (only jcstress's is used).
  (cd "$root" && mvn -B -q ${MVN_ARGS:-} -pl jcstress -am -DskipTests \
      -Dmdep.outputFile=target/jcstress.classpath -Dmdep.includeScope=test \
      package dependency:build-classpath)
fi

out="$here/target/jcstress-$mode"
mkdir -p "$out"
# Run from a snapshot of the compiled tests, so a rebuild during a long run cannot pull class files
# from under the forked VMs.
rm -rf "$out/classes"
cp -r "$here/target/test-classes" "$out/classes"
cp="$out/classes:$(cat "$cpfile")"
cd "$out"
echo "== jcstress $mode: results in $out/results/index.html"
# -ea: the runtime's internal assertions (confinement, ring invariants) stay on in the forked VMs.
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jcstress.Main "${jmode[@]}" \
    -jvmArgsPrepend "-ea --enable-native-access=ALL-UNNAMED" \
    -r "$out/results" "$@"
