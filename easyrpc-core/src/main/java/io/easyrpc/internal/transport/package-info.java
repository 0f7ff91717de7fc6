/**
 * Transport internals: the connection handler both sides build on, frame splitting, the
 * WebSocket framing and the TLS guard.
 */
package io.easyrpc.internal.transport;
