package io.easyrpc.autoconfigure.discovery;

import io.easyrpc.annotation.RpcClient;

/**
 * The client of {@link Inventory}, calling the target {@code inventory}.
 */
@RpcClient(target = "inventory")
public interface InventoryClient extends Inventory {

}
