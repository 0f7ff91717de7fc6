package io.easyrpc.autoconfigure.actuate;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.RpcMethod;

/**
 * The service the actuator tests serve and call, with one method of each call style and
 * one whose calls stay in flight until the test releases them.
 */
public interface Warehouse {

	String find(String sku, int limit);

	CompletableFuture<List<String>> list(String category);

	@RpcMethod(oneWay = true)
	void touch(String sku);

	CompletableFuture<String> hold(String id);

}
