package io.easyrpc.sample.quickstart.clientapp;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.sample.api.Inventory;

/**
 * The inventory as the client sees it: a proxy bean that calls target {@code inventory}.
 */
@RpcClient(target = "inventory")
public interface RemoteInventory extends Inventory {

}
