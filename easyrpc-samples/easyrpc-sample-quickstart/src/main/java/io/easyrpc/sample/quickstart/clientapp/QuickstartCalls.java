package io.easyrpc.sample.quickstart.clientapp;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.sample.api.Category;
import io.easyrpc.sample.api.OutOfStockException;
import io.easyrpc.sample.api.ReservationRequest;

import org.springframework.stereotype.Component;

/**
 * Makes a few calls through the injected proxy and prints each with its result.
 */
@Component
public class QuickstartCalls {

	private final RemoteInventory inventory;

	/**
	 * Create the caller.
	 * @param inventory the proxy, injected like any bean
	 */
	public QuickstartCalls(RemoteInventory inventory) {
		this.inventory = inventory;
	}

	/**
	 * Make the calls.
	 * @param out where to print
	 * @throws Exception if a call fails unexpectedly
	 */
	public void run(PrintStream out) throws Exception {
		out.println("find(\"BK-1\")          -> " + this.inventory.find("BK-1"));
		out.println("find(\"XX-9\")          -> " + this.inventory.find("XX-9"));
		out.println("list(TOOLS)           -> " + this.inventory.list(Category.TOOLS));
		out.println("reserve(BK-2 x 2)     -> " + this.inventory.reserve(new ReservationRequest("BK-2", 2, "ada")));
		try {
			this.inventory.reserve(new ReservationRequest("BK-2", 5, "grace"));
		}
		catch (OutOfStockException ex) {
			out.println("reserve(BK-2 x 5)     -> threw " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
		CompletableFuture<?> stock = this.inventory.stockByCategory();
		out.println("stockByCategory()     -> " + stock.get(5, TimeUnit.SECONDS) + " (asynchronous)");
	}

}
