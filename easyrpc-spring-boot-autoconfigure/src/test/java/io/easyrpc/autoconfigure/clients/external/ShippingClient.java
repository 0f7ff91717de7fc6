package io.easyrpc.autoconfigure.clients.external;

import io.easyrpc.annotation.RpcClient;

/**
 * A client outside the auto-configuration packages.
 */
@RpcClient(target = "shipping")
public interface ShippingClient {

	String ship(String orderId);

}
