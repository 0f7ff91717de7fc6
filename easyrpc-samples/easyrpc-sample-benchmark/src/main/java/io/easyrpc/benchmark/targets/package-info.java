/**
 * The servers under test, each started in its own JVM: easyrpc as a Spring Boot
 * application, gRPC-java and a raw Netty echo. Each prints {@code READY <port>} once it
 * accepts connections.
 */
package io.easyrpc.benchmark.targets;
