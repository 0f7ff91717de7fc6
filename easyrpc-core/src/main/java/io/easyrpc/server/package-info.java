/**
 * The server engine: service definitions and registry, method invocation, dispatch and
 * the server lifecycle.
 */
@NullMarked
package io.easyrpc.server;

import org.jspecify.annotations.NullMarked;
