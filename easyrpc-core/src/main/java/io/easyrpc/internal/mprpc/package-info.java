/**
 * MessagePack-RPC on the wire: the three message shapes, their encoding and decoding, and
 * the cutting of a byte stream into whole MessagePack values. Shared by the server, which
 * serves MessagePack-RPC on its easyrpc port, and by clients of MessagePack-RPC servers.
 */
package io.easyrpc.internal.mprpc;
