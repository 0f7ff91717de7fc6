package io.easyrpc.autoconfigure.clients.app;

import io.easyrpc.annotation.RpcClient;

/**
 * A client found by scanning the auto-configuration package.
 */
@RpcClient(target = "inventory")
public interface InventoryClient {

	int stock(String sku);

}
