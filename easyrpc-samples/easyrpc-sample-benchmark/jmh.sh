#!/usr/bin/env bash
# Builds the benchmark module and runs its JMH codec benchmarks.
# Usage: easyrpc-samples/easyrpc-sample-benchmark/jmh.sh [JMH options, e.g. -h, -l, CodecBenchmark]
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
# Formatting is checked by the normal build, not here.
./mvnw -q -pl easyrpc-samples/easyrpc-sample-benchmark -am package -DskipTests -Dspring-javaformat.skip=true
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
flags=()
if "$java" -XshowSettings:properties -version 2>&1 | grep -qE 'java.specification.version = (2[4-9]|[3-9][0-9])'; then
	flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
fi
exec "$java" "${flags[@]}" -cp "$module/target/classes:$(cat "$module/target/benchmark-classpath.txt")" \
	org.openjdk.jmh.Main "$@"
