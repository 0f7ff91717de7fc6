/**
 * The client engine: connections with pending calls, reconnection, proxies and exception
 * re-creation.
 */
package io.easyrpc.client;
