/**
 * The few types every easyrpc user touches: statuses, the RPC exception and the call
 * context.
 */
@NullMarked
package io.easyrpc;

import org.jspecify.annotations.NullMarked;
