/**
 * Gateways: a server re-exports the services of another target under a key prefix,
 * forwarding calls frame by frame without decoding their payloads. See
 * {@link io.easyrpc.gateway.GatewayTarget}.
 */
@NullMarked
package io.easyrpc.gateway;

import org.jspecify.annotations.NullMarked;
