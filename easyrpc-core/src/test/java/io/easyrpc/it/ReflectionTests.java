package io.easyrpc.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcClientControl;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDescriptor;
import io.easyrpc.server.ServiceDescriptor.MethodDescriptor;
import io.easyrpc.server.ServiceDescriptor.ParameterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in reflection method describes what a server serves.
 */
@ExtendWith(LeakDetectionExtension.class)
class ReflectionTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void describeListsServicesMethodsParameterNamesAndTypes() {
		RpcServer server = this.rpc.tcpServer(new InventoryService());
		Reflection reflection = this.rpc.client(
				new ClientDefinition(Reflection.class, null, Reflection.GROUP, RpcFixture.TIMEOUT, null),
				this.rpc.channel(server));
		List<ServiceDescriptor> services = reflection.describe();
		assertThat(services).extracting(ServiceDescriptor::name)
			.containsExactlyInAnyOrder("Inventory", "easyrpc/Reflection");
		ServiceDescriptor inventory = services.stream()
			.filter((service) -> service.name().equals("Inventory"))
			.findFirst()
			.orElseThrow();
		assertThat(inventory.methods()).extracting(MethodDescriptor::key)
			.containsExactlyInAnyOrder("Inventory.stock", "Inventory.restock", "Inventory.count");
		MethodDescriptor restock = method(inventory, "Inventory.restock");
		assertThat(restock.name()).isEqualTo("restock");
		assertThat(restock.parameters()).containsExactly(new ParameterDescriptor("item", "java.lang.String"),
				new ParameterDescriptor("quantities", "java.util.Map<java.lang.String, java.lang.Integer>"));
		assertThat(restock.returnType()).isEqualTo("void");
		assertThat(restock.callStyle()).isEqualTo("blocking");
		MethodDescriptor stock = method(inventory, "Inventory.stock");
		assertThat(stock.parameters())
			.containsExactly(new ParameterDescriptor("items", "java.util.List<java.lang.String>"));
		assertThat(stock.returnType()).isEqualTo("java.util.concurrent.CompletableFuture<java.lang.Long>");
		assertThat(stock.callStyle()).isEqualTo("future");
		MethodDescriptor count = method(inventory, "Inventory.count");
		assertThat(count.parameters()).isEmpty();
		assertThat(count.returnType()).isEqualTo("int");
		MethodDescriptor describe = method(services.stream()
			.filter((service) -> service.name().equals("easyrpc/Reflection"))
			.findFirst()
			.orElseThrow(), Reflection.DESCRIBE_KEY);
		assertThat(describe.nonBlocking()).isTrue();
	}

	@Test
	void clientControlListsTheMethodKeysAndArgumentCountsTheClientCalls() {
		RpcServer server = this.rpc.tcpServer(new InventoryService());
		Inventory inventory = this.rpc.client(Inventory.class, this.rpc.channel(server));
		assertThat(RpcClientControl.of(inventory).rpcMethods())
			.isEqualTo(Map.of("Inventory.stock", 1, "Inventory.restock", 2, "Inventory.count", 0));
	}

	private static MethodDescriptor method(ServiceDescriptor service, String key) {
		return service.methods().stream().filter((method) -> method.key().equals(key)).findFirst().orElseThrow();
	}

	public interface Inventory {

		CompletableFuture<Long> stock(List<String> items);

		void restock(String item, Map<String, Integer> quantities);

		int count();

	}

	static class InventoryService implements Inventory {

		@Override
		public CompletableFuture<Long> stock(List<String> items) {
			return CompletableFuture.completedFuture((long) items.size());
		}

		@Override
		public void restock(String item, Map<String, Integer> quantities) {
		}

		@Override
		public int count() {
			return 0;
		}

	}

}
