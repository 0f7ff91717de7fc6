package io.easyrpc.autoconfigure.actuate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.easyrpc.annotation.RpcService;

/**
 * Serves {@link Warehouse}; calls to {@link #hold(String)} stay in flight until
 * {@link #releaseAll()}.
 */
@RpcService
class WarehouseService implements Warehouse {

	private final List<CompletableFuture<String>> held = new CopyOnWriteArrayList<>();

	@Override
	public String find(String sku, int limit) {
		return sku + " x" + limit;
	}

	@Override
	public CompletableFuture<List<String>> list(String category) {
		return CompletableFuture.completedFuture(List.of(category + "-1", category + "-2"));
	}

	@Override
	public void touch(String sku) {
	}

	@Override
	public CompletableFuture<String> hold(String id) {
		CompletableFuture<String> result = new CompletableFuture<>();
		this.held.add(result);
		return result;
	}

	int heldCount() {
		return this.held.size();
	}

	void releaseAll() {
		this.held.forEach((result) -> result.complete("released"));
	}

}
