package io.easyrpc.test.autoconfigure.app;

import io.easyrpc.test.autoconfigure.MockRpcServer;
import io.easyrpc.test.autoconfigure.RpcClientTest;
import io.easyrpc.test.autoconfigure.external.RatingsClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RpcClientTest @RpcClientTest} naming no client registers every client of the
 * application's packages, and includes the components its filters name.
 */
@RpcClientTest(includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = Shelf.class),
		properties = "easyrpc.client.targets.catalog.address=tcp://localhost:1")
class RpcClientTestAllClientsTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private MockRpcServer server;

	@Autowired
	private OrderClient orders;

	@Autowired
	private Shelf shelf;

	@Test
	void registersEveryClientOfTheApplication() {
		assertThat(this.context.getBeanNamesForType(CatalogClient.class)).containsExactly("catalogClient");
		assertThat(this.context.getBeanNamesForType(RatingsClient.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(CatalogService.class)).isEmpty();
	}

	@Test
	void clientsWithAnUrlOrATargetAddressCallTheMock() {
		this.server.expect("Orders.place").withArguments("978-1", 2).andRespond("order-1");
		this.server.expect("Catalog.find").withArguments("978-1").andRespond(new Book("978-1", "Dune", 412));
		assertThat(this.orders.place("978-1", 2)).isEqualTo("order-1");
		assertThat(this.shelf.label("978-1")).isEqualTo("Dune");
		this.server.verify();
	}

}
