/**
 * The browser sample: a web page that calls an {@code @RpcService} over WebSocket.
 */
package io.easyrpc.sample.browser;
