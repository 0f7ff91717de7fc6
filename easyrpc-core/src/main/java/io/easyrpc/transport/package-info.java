/**
 * Transports: addresses, Netty TCP and in-process channels, framing, the connection
 * preface and batched writes.
 */
package io.easyrpc.transport;
