package io.easyrpc.sample.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A small inventory: look items up, reserve stock, and get a report. The server
 * implements it as an {@code @RpcService}; the client extends it as an
 * {@code @RpcClient}.
 */
public interface Inventory {

	/**
	 * Find an item by its stock-keeping unit.
	 * @param sku the SKU
	 * @return the item, or empty if unknown
	 */
	Optional<Item> find(String sku);

	/**
	 * List the items of a category.
	 * @param category the category
	 * @return the items, sorted by SKU
	 */
	List<Item> list(Category category);

	/**
	 * Reserve stock of an item.
	 * @param request what to reserve
	 * @return the reservation
	 * @throws OutOfStockException if fewer items are in stock than requested
	 */
	Reservation reserve(ReservationRequest request) throws OutOfStockException;

	/**
	 * Count the items in stock per category, without blocking the caller.
	 * @return the counts
	 */
	CompletableFuture<Map<Category, Integer>> stockByCategory();

}
