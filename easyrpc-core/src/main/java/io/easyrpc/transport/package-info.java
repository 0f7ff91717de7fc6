/**
 * Transports: addresses, Netty TCP and in-process channels, framing, the connection
 * preface and batched writes.
 */
@NullMarked
package io.easyrpc.transport;

import org.jspecify.annotations.NullMarked;
