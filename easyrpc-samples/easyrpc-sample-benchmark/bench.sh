#!/usr/bin/env bash
# Builds the benchmark and runs the easyrpc / gRPC-java / raw Netty matrix.
# Usage: easyrpc-samples/easyrpc-sample-benchmark/bench.sh [--short] [runner options]
# Runner options: --warmup S --duration S --concurrency 1,64,256 --sizes 64,4096
#                 --targets easyrpc-blocking,easyrpc-nonblocking,grpc-default,grpc-direct,netty-echo
#                           (the default; easyrpc-three-instances, one channel over three
#                           instances of the non-blocking server, runs only when named)
#                 --jfr --no-pin --out DIR
# Results: one JSON line per case on stdout, then a Markdown report; both are kept in
# easyrpc-samples/easyrpc-sample-benchmark/target/benchmark/<timestamp>/.
# The JDK is the one `java` (or $JAVA_HOME/bin/java) resolves to.
set -euo pipefail
module="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
# Formatting is checked by the normal build, not here.
./mvnw -q -pl easyrpc-samples/easyrpc-sample-benchmark -am package -DskipTests -Dspring-javaformat.skip=true
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "$module/target/classes:$(cat "$module/target/benchmark-classpath.txt")" \
	io.easyrpc.benchmark.BenchmarkRunner --out "$module/target/benchmark" "$@"
