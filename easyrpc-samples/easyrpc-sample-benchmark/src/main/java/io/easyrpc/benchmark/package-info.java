/**
 * Side-by-side benchmark of easyrpc, gRPC-java and a raw Netty echo: the orchestrator
 * that starts servers and load drivers in separate, pinned JVMs and reports ratios.
 */
package io.easyrpc.benchmark;
