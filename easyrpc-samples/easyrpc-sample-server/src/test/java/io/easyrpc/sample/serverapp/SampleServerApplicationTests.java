package io.easyrpc.sample.serverapp;

import java.time.Duration;
import java.util.List;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.sample.api.Category;
import io.easyrpc.sample.api.Inventory;
import io.easyrpc.sample.api.OutOfStockException;
import io.easyrpc.sample.api.ReservationRequest;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SpringBootTest(properties = "easyrpc.server.port=0")
class SampleServerApplicationTests {

	@Value("${local.easyrpc.port}")
	int port;

	RpcChannel channel;

	Inventory inventory;

	@BeforeEach
	void connect() {
		this.channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", this.port)).build();
		this.inventory = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Inventory.class, Duration.ofSeconds(30)), this.channel);
	}

	@AfterEach
	void close() {
		this.channel.close();
	}

	@Test
	void servesTheInventoryOverTcp() {
		assertThat(this.inventory.find("TL-1")).hasValueSatisfying((item) -> assertThat(item.inStock()).isEqualTo(5));
		assertThat(this.inventory.list(Category.BOOKS)).extracting("sku").containsExactly("BK-1", "BK-2");
	}

	@Test
	void customMiddlewareBeanSeesEveryCall(@Autowired AuditMiddleware audit) {
		long before = audit.callsOf("Inventory.find");
		this.inventory.find("BK-1");
		assertThat(audit.callsOf("Inventory.find")).isEqualTo(before + 1);
	}

	@Test
	void reservationsHaveAConcurrencyLimit(@Autowired RpcServer server) {
		assertThat(server.registry().lookup("Inventory.reserve").options().maxConcurrency()).isEqualTo(8);
	}

	@Test
	void declaredExceptionReachesTheCaller() {
		assertThatExceptionOfType(OutOfStockException.class)
			.isThrownBy(() -> this.inventory.reserve(new ReservationRequest("TY-1", 1, "ada")))
			.withMessageContaining("Only 0 of TY-1 in stock");
	}

}
