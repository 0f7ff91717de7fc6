/**
 * Measurements by hand of one engine feature each (streams, TLS, payload encryption,
 * observations, WebSocket), run as {@code main} programs.
 */
package io.easyrpc.benchmark.micro;
