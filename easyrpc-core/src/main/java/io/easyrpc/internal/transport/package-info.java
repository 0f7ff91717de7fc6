/**
 * Transport internals: the connection handler both sides build on, frame splitting, the
 * WebSocket framing, the TLS guard and the choice of Netty's I/O transport (NIO, epoll,
 * io_uring) with its channel classes.
 */
package io.easyrpc.internal.transport;
