/**
 * Server internals: one connection's dispatch, the calls and streams it serves, call
 * accounting and the observer fan-out behind {@link io.easyrpc.server.RpcServer}.
 */
package io.easyrpc.internal.server;
