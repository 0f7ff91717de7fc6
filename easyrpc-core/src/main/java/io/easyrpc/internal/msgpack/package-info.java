/**
 * MessagePack reading that checks every size header against the bytes actually present
 * and refuses invalid UTF-8, shared by the frame decoder and the object codec.
 */
package io.easyrpc.internal.msgpack;
