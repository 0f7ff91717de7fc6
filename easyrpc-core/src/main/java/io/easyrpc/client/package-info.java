/**
 * The client API: channels to a server, proxies of client interfaces and exception
 * re-creation; the engine underneath is in {@code io.easyrpc.internal.client}.
 */
@NullMarked
package io.easyrpc.client;

import org.jspecify.annotations.NullMarked;
