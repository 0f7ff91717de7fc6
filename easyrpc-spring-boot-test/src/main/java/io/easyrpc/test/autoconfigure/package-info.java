/**
 * Test support for applications that call easyrpc servers: the
 * {@link io.easyrpc.test.autoconfigure.RpcClientTest @RpcClientTest} slice and the
 * in-process {@link io.easyrpc.test.autoconfigure.MockRpcServer MockRpcServer} its
 * clients call.
 */
@NullMarked
package io.easyrpc.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
