/**
 * Object mapping for easyrpc: Jackson 3 databind over MessagePack (msgpack-core).
 */
@NullMarked
package io.easyrpc.codec;

import org.jspecify.annotations.NullMarked;
