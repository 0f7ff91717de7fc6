#!/usr/bin/env bash
# Builds the benchmark module and runs one measurement of io.easyrpc.benchmark.micro.
# Usage: easyrpc-samples/easyrpc-sample-benchmark/micro.sh <class> [arguments]
#   e.g. micro.sh TlsOverhead 10 4 64
# JVM options come from $JAVA_OPTS (e.g. JAVA_OPTS="-Xms512m -Xmx512m").
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
if [ $# -lt 1 ]; then
	echo "usage: $0 <ClientStreamThroughput|StreamThroughput|TlsOverhead|PayloadEncryptionOverhead|ObservationOverhead|WebSocketRoundTrip|MsgpackRpcRoundTrip> [arguments]" >&2
	exit 2
fi
name="$1"
shift
./mvnw -q -pl easyrpc-samples/easyrpc-sample-benchmark -am package -DskipTests -Dspring-javaformat.skip=true
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086
exec "$java" ${JAVA_OPTS:-} -cp "$module/target/classes:$(cat "$module/target/benchmark-classpath.txt")" \
	"io.easyrpc.benchmark.micro.$name" "$@"
