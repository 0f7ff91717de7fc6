/**
 * The WebSocket transport of the server: the easyrpc services on the servlet web server's
 * port, one protocol unit per binary WebSocket message.
 */
package io.easyrpc.autoconfigure.websocket;
