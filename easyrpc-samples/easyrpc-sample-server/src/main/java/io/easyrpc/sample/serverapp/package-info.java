/**
 * The sample server: serves the inventory as an {@code @RpcService}.
 */
package io.easyrpc.sample.serverapp;
