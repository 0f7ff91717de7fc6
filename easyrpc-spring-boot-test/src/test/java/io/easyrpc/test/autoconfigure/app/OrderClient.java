package io.easyrpc.test.autoconfigure.app;

import io.easyrpc.annotation.RpcClient;

/**
 * A client with a fixed URL and a service name of its own.
 */
@RpcClient(url = "tcp://localhost:1", service = "Orders")
public interface OrderClient {

	String place(String isbn, int quantity);

}
