package io.easyrpc.sample.clientapp;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.sample.api.Inventory;

/**
 * The remote inventory. The proxy bean calls the server configured under
 * {@code easyrpc.client.targets.inventory}.
 */
@RpcClient(target = "inventory")
public interface InventoryClient extends Inventory {

}
