package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.annotation.RpcClient;

/**
 * The client of {@link Warehouse}, calling the target {@code warehouse}.
 */
@RpcClient(target = "warehouse")
public interface WarehouseClient extends Warehouse {

}
