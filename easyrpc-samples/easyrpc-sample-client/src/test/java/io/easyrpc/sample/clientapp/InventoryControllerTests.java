package io.easyrpc.sample.clientapp;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.sample.api.Category;
import io.easyrpc.sample.api.Item;
import io.easyrpc.sample.api.OutOfStockException;
import io.easyrpc.sample.api.Reservation;
import io.easyrpc.sample.api.ReservationRequest;
import io.easyrpc.test.autoconfigure.MockRpcServer;
import io.easyrpc.test.autoconfigure.RpcClientTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The controller against a {@link MockRpcServer} instead of the sample server: only the
 * inventory client and the controller are beans, and each test says what the server
 * answers.
 */
@RpcClientTest(InventoryClient.class)
@Import(InventoryController.class)
class InventoryControllerTests {

	private static final Item BOOK = new Item("BK-1", "Dune", Category.BOOKS, new BigDecimal("9.90"), 3);

	@Autowired
	private InventoryController controller;

	@Autowired
	private MockRpcServer server;

	@AfterEach
	void verify() {
		this.server.verify();
	}

	@Test
	void itemIsFound() {
		this.server.expect("Inventory.find").withArguments("BK-1").andRespond(BOOK);
		assertThat(this.controller.item("BK-1").getBody()).isEqualTo(BOOK);
	}

	@Test
	void unknownItemIsNotFound() {
		this.server.expect("Inventory.find").withArguments("BK-0").andRespond(Optional.empty());
		assertThat(this.controller.item("BK-0").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void itemsOfACategoryAreListed() {
		this.server.expect("Inventory.list").withArguments(Category.BOOKS).andRespond(List.of(BOOK));
		assertThat(this.controller.items(Category.BOOKS)).containsExactly(BOOK);
	}

	@Test
	void reservationIsForwarded() throws Exception {
		ReservationRequest request = new ReservationRequest("BK-1", 2, "ada");
		Reservation reservation = new Reservation(UUID.randomUUID(), "BK-1", 2, 1,
				Instant.parse("2030-01-01T00:00:00Z"));
		this.server.expect("Inventory.reserve").withArguments(request).andRespond(reservation);
		assertThat(this.controller.reserve(request)).isEqualTo(reservation);
	}

	@Test
	void shortStockIsTheServersDeclaredException() {
		this.server.expect("Inventory.reserve").andRespondWithError(new OutOfStockException("only 3 of BK-1 left"));
		assertThatExceptionOfType(OutOfStockException.class)
			.isThrownBy(() -> this.controller.reserve(new ReservationRequest("BK-1", 5, "ada")))
			.withMessage("only 3 of BK-1 left");
	}

	@Test
	void stockIsCountedWithoutBlocking() {
		this.server.expect("Inventory.stockByCategory").andRespond(Map.of(Category.BOOKS, 3, Category.TOYS, 0));
		assertThat(this.controller.stock()).succeedsWithin(Duration.ofSeconds(10))
			.isEqualTo(Map.of(Category.BOOKS, 3, Category.TOYS, 0));
	}

	@Test
	void slowServerIsAGatewayTimeout() {
		this.server.expect("Inventory.list").andRespondWithStatus(RpcStatus.DEADLINE_EXCEEDED, "too slow");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> this.controller.items(Category.TOOLS))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED))
			.satisfies((ex) -> assertThat(this.controller.remoteFailure(ex).getStatus())
				.isEqualTo(HttpStatus.GATEWAY_TIMEOUT.value()));
	}

}
