/**
 * Object mapping for easyrpc: Jackson 3 databind over MessagePack (msgpack-core).
 */
package io.easyrpc.codec;
