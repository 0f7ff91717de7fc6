/**
 * The sample client: a REST application that calls the inventory through an
 * {@code @RpcClient}.
 */
package io.easyrpc.sample.clientapp;
