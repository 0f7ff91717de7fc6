package io.easyrpc.sample.clientapp;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.RpcException;
import io.easyrpc.sample.api.Category;
import io.easyrpc.sample.api.Item;
import io.easyrpc.sample.api.OutOfStockException;
import io.easyrpc.sample.api.Reservation;
import io.easyrpc.sample.api.ReservationRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * REST endpoints that call the remote inventory.
 */
@RestController
public class InventoryController {

	private final InventoryClient inventory;

	/**
	 * Create the controller.
	 * @param inventory the remote inventory
	 */
	public InventoryController(InventoryClient inventory) {
		this.inventory = inventory;
	}

	/**
	 * Look an item up.
	 * @param sku the SKU
	 * @return the item, or 404
	 */
	@GetMapping("/items/{sku}")
	public ResponseEntity<Item> item(@PathVariable String sku) {
		return ResponseEntity.of(this.inventory.find(sku));
	}

	/**
	 * List the items of a category.
	 * @param category the category
	 * @return the items
	 */
	@GetMapping("/items")
	public List<Item> items(@RequestParam Category category) {
		return this.inventory.list(category);
	}

	/**
	 * Reserve stock.
	 * @param request what to reserve
	 * @return the reservation
	 * @throws OutOfStockException if the stock is short, answered with 409
	 */
	@PostMapping("/reservations")
	public Reservation reserve(@RequestBody ReservationRequest request) throws OutOfStockException {
		return this.inventory.reserve(request);
	}

	/**
	 * Count the stock per category; the request thread is not blocked while the server
	 * answers.
	 * @return the counts
	 */
	@GetMapping("/stock")
	public CompletableFuture<Map<Category, Integer>> stock() {
		return this.inventory.stockByCategory();
	}

	@ExceptionHandler
	ProblemDetail outOfStock(OutOfStockException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notFound(NoSuchElementException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail badRequest(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail remoteFailure(RpcException ex) {
		HttpStatus status = switch (ex.getStatus()) {
			case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
			case DEADLINE_EXCEEDED -> HttpStatus.GATEWAY_TIMEOUT;
			default -> HttpStatus.BAD_GATEWAY;
		};
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setProperty("rpcStatus", ex.getStatus().name());
		return problem;
	}

}
