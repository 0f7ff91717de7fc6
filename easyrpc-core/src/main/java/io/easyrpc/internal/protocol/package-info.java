/**
 * The easyrpc wire protocol: connection preface, frame types and the frame codec over
 * msgpack-core.
 */
package io.easyrpc.internal.protocol;
