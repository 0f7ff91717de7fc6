/**
 * Object mapping for easyrpc: Jackson 3 databind over MessagePack (msgpack-core), and a
 * JSON codec that carries JSON text inside the MessagePack frames.
 */
@NullMarked
package io.easyrpc.codec;

import org.jspecify.annotations.NullMarked;
