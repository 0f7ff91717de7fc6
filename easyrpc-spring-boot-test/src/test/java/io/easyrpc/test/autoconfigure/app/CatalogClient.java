package io.easyrpc.test.autoconfigure.app;

import io.easyrpc.annotation.RpcClient;

/**
 * A client of a configured target.
 */
@RpcClient(target = "catalog")
public interface CatalogClient extends Catalog {

}
