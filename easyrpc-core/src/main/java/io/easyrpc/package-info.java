/**
 * The few types every easyrpc user touches: statuses, the RPC exception and the call
 * context.
 */
package io.easyrpc;
