package io.easyrpc.autoconfigure.clients.app;

import io.easyrpc.annotation.RpcClient;

/**
 * A client with an explicit bean name.
 */
@RpcClient(target = "pricing", beanName = "prices")
public interface PricingClient {

	long price(String sku);

}
