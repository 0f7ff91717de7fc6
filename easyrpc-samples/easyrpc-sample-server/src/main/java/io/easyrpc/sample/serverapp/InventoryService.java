package io.easyrpc.sample.serverapp;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.sample.api.Category;
import io.easyrpc.sample.api.Inventory;
import io.easyrpc.sample.api.Item;
import io.easyrpc.sample.api.OutOfStockException;
import io.easyrpc.sample.api.Reservation;
import io.easyrpc.sample.api.ReservationRequest;

/**
 * An in-memory inventory, served remotely because of {@link RpcService}.
 */
@RpcService
public class InventoryService implements Inventory {

	private static final Duration RESERVATION_TIME = Duration.ofMinutes(15);

	private final ConcurrentMap<String, Item> items = new ConcurrentHashMap<>();

	/**
	 * Create the service with a few items in stock.
	 */
	public InventoryService() {
		add(new Item("BK-1", "The Pragmatic Programmer", Category.BOOKS, new BigDecimal("39.90"), 12));
		add(new Item("BK-2", "Java Concurrency in Practice", Category.BOOKS, new BigDecimal("44.50"), 3));
		add(new Item("TL-1", "Torque wrench", Category.TOOLS, new BigDecimal("89.00"), 5));
		add(new Item("TY-1", "Wooden train set", Category.TOYS, new BigDecimal("24.99"), 0));
	}

	private void add(Item item) {
		this.items.put(item.sku(), item);
	}

	@Override
	public Optional<Item> find(String sku) {
		return Optional.ofNullable(this.items.get(sku));
	}

	@Override
	public List<Item> list(Category category) {
		return this.items.values()
			.stream()
			.filter((item) -> item.category() == category)
			.sorted(Comparator.comparing(Item::sku))
			.toList();
	}

	@Override
	public synchronized Reservation reserve(ReservationRequest request) throws OutOfStockException {
		if (request.quantity() <= 0) {
			throw new IllegalArgumentException("quantity must be positive, got " + request.quantity());
		}
		Item item = this.items.get(request.sku());
		if (item == null) {
			throw new NoSuchElementException("No item with SKU " + request.sku());
		}
		if (item.inStock() < request.quantity()) {
			throw new OutOfStockException("Only " + item.inStock() + " of " + request.sku() + " in stock, "
					+ request.quantity() + " requested");
		}
		int remaining = item.inStock() - request.quantity();
		add(new Item(item.sku(), item.name(), item.category(), item.price(), remaining));
		return new Reservation(UUID.randomUUID(), request.sku(), request.quantity(), remaining,
				Instant.now().plus(RESERVATION_TIME));
	}

	@Override
	public CompletableFuture<Map<Category, Integer>> stockByCategory() {
		Map<Category, Integer> counts = new EnumMap<>(Category.class);
		for (Category category : Category.values()) {
			counts.put(category, 0);
		}
		this.items.values().forEach((item) -> counts.merge(item.category(), item.inStock(), Integer::sum));
		return CompletableFuture.completedFuture(counts);
	}

}
