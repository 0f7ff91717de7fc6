/**
 * The choice of Netty's I/O transport (NIO, epoll, io_uring) and its channel classes.
 */
package io.easyrpc.internal.transport;
