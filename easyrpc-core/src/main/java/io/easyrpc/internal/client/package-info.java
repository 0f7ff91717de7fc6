/**
 * The client engine: call router, per-address subchannels, connections and their calls.
 */
package io.easyrpc.internal.client;
