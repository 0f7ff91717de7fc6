/**
 * The server engine: service definitions and registry, method invocation, dispatch and
 * the server lifecycle.
 */
package io.easyrpc.server;
