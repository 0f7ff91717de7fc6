/**
 * Log lines an operator can trust: peer-supplied text escaped and capped, repeated
 * warnings rate-limited.
 */
package io.easyrpc.internal.logging;
