package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.GenericRpcClient;
import io.easyrpc.client.RemoteService;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link GenericRpcClient} against a server over TCP: positional and named calls, typed
 * and tree results, notifications, batches, reflection and local validation.
 */
@ExtendWith(LeakDetectionExtension.class)
class GenericRpcClientTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final RpcFixture rpc = new RpcFixture();

	private final InventoryService inventory = new InventoryService();

	private final List<String> sent = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.inventory.gate.countDown();
		this.rpc.close();
	}

	private GenericRpcClient client(boolean validate) {
		RpcServer server = this.rpc.tcpServer(this.inventory);
		RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", server.port()),
				(builder) -> builder.observer((call) -> {
					this.sent.add(call.methodKey());
					return null;
				}));
		return GenericRpcClient.builder(channel).timeout(RpcFixture.TIMEOUT).validate(validate).build();
	}

	@Test
	void callReturnsATree() {
		GenericRpcClient client = client(false);
		JsonNode item = client.call("Inventory.find", "apple");
		assertThat(item.get("sku").stringValue()).isEqualTo("apple");
		assertThat(item.get("count").intValue()).isEqualTo(5);
		assertThat(client.call("Inventory.missing").isNull()).isTrue();
	}

	@Test
	void callTakesTreesAsArguments() {
		GenericRpcClient client = client(false);
		JsonNode arguments = JsonMapper.shared().readTree("[\"pear\", 3]");
		Item item = client.call(Item.class, "Inventory.restock", arguments.get(0), arguments.get(1));
		assertThat(item).isEqualTo(new Item("pear", 8));
	}

	@Test
	void callDecodesTheRequestedType() {
		GenericRpcClient client = client(false);
		assertThat(client.call(Item.class, "Inventory.find", "apple")).isEqualTo(new Item("apple", 5));
		List<Item> items = client.call(new TypeReference<List<Item>>() {
		}, "Inventory.all", List.of("a", "b"));
		assertThat(items).containsExactly(new Item("a", 5), new Item("b", 5));
	}

	@Test
	void callNamedSendsParameterNames() {
		GenericRpcClient client = client(false);
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("amount", 2);
		arguments.put("sku", "kiwi");
		assertThat(client.callNamed(Item.class, "Inventory.restock", arguments)).isEqualTo(new Item("kiwi", 7));
		assertThat(client.callNamed("Inventory.restock", Map.of("sku", "fig", "amount", 1)).get("count").intValue())
			.isEqualTo(6);
	}

	@Test
	void asyncCallsCompleteTheirFutures() throws Exception {
		GenericRpcClient client = client(false);
		CompletableFuture<JsonNode> tree = client.callAsync("Inventory.find", "apple");
		CompletableFuture<Item> typed = client.callNamedAsync(Item.class, "Inventory.find", Map.of("sku", "plum"));
		assertThat(tree.get(10, TimeUnit.SECONDS).get("sku").stringValue()).isEqualTo("apple");
		assertThat(typed.get(10, TimeUnit.SECONDS)).isEqualTo(new Item("plum", 5));
	}

	@Test
	void failureCarriesTheServersStatus() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Inventory.fail threw an unexpected exception");
		GenericRpcClient client = client(false);
		assertThatThrownBy(() -> client.call("Inventory.nothing")).isInstanceOfSatisfying(RpcException.class,
				(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND));
		assertThatThrownBy(() -> client.call("Inventory.fail", "boom")).isInstanceOfSatisfying(RpcException.class,
				(ex) -> assertThat(ex.getMessage()).contains("boom"));
	}

	@Test
	void perCallTimeoutOverridesTheClients() {
		GenericRpcClient client = client(false);
		assertThatThrownBy(() -> client.withTimeout(Duration.ofMillis(200)).call("Inventory.block"))
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		assertThat(client.timeout()).isEqualTo(RpcFixture.TIMEOUT);
	}

	@Test
	void notificationsRunWithoutAnswer() throws Exception {
		GenericRpcClient client = client(false);
		client.notify("Inventory.log", "one").get(10, TimeUnit.SECONDS);
		client.notifyNamed("Inventory.log", Map.of("line", "two")).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.inventory.log.size() == 2);
		assertThat(this.inventory.log).containsExactlyInAnyOrder("one", "two");
	}

	@Test
	void batchReturnsResultsAndFailuresInOrder() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Inventory.fail threw an unexpected exception");
		GenericRpcClient client = client(false);
		List<GenericRpcClient.BatchResult> results = client.batch()
			.add("Inventory.find", "a")
			.add("Inventory.fail", "second")
			.addNamed("Inventory.restock", Map.of("sku", "c", "amount", 1))
			.add("Inventory.nothing")
			.execute();
		assertThat(results).hasSize(4);
		assertThat(results.get(0).value(Item.class)).isEqualTo(new Item("a", 5));
		assertThat(results.get(1).isSuccess()).isFalse();
		assertThat(results.get(1).error().getMessage()).contains("second");
		assertThat(results.get(2).value().get("count").intValue()).isEqualTo(6);
		assertThat(results.get(3).error().getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
		assertThatThrownBy(() -> results.get(3).value()).isInstanceOf(RpcException.class);
	}

	@Test
	void batchOfManyCallsKeepsTheirOrder() {
		GenericRpcClient client = client(false);
		GenericRpcClient.Batch batch = client.batch();
		for (int i = 0; i < 200; i++) {
			batch.add("Inventory.restock", "s" + i, i);
		}
		List<GenericRpcClient.BatchResult> results = batch.execute();
		List<Integer> counts = new ArrayList<>();
		for (GenericRpcClient.BatchResult result : results) {
			counts.add(result.value().get("count").intValue());
		}
		for (int i = 0; i < 200; i++) {
			assertThat(counts.get(i)).isEqualTo(5 + i);
		}
	}

	@Test
	void describeListsTheServersMethods() {
		GenericRpcClient client = client(false);
		assertThat(client.list()).contains("Inventory");
		RemoteService inventory = client.describe()
			.stream()
			.filter((service) -> service.name().equals("Inventory"))
			.findFirst()
			.orElseThrow();
		RemoteService.Method restock = inventory.methods()
			.stream()
			.filter((method) -> method.key().equals("Inventory.restock"))
			.findFirst()
			.orElseThrow();
		assertThat(restock.parameters()).extracting(RemoteService.Parameter::name).containsExactly("sku", "amount");
		assertThat(restock.signature())
			.isEqualTo("io.easyrpc.it.GenericRpcClientTests$Item restock(java.lang.String sku, int amount)");
	}

	@Test
	void validationRefusesAWrongCountBeforeSending() {
		GenericRpcClient client = client(true);
		assertThatThrownBy(() -> client.call("Inventory.restock", "apple")).isInstanceOfSatisfying(RpcException.class,
				(ex) -> {
					assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
					assertThat(ex.getDescription())
						.isEqualTo("Invalid arguments for Inventory.restock: expected 2 arguments "
								+ "(sku: java.lang.String, amount: int), got 1");
				});
		assertThat(this.sent).containsExactly(GenericRpcClient.REFLECTION_KEY);
	}

	@Test
	void validationRefusesWrongShapesNamingTheParameter() {
		GenericRpcClient client = client(true);
		assertThatThrownBy(() -> client.call("Inventory.restock", "apple", "many")).hasMessage(
				"INVALID_ARGUMENT: Invalid arguments for Inventory.restock: argument 'amount' (int) must be an integer, got a string");
		assertThatThrownBy(() -> client.call("Inventory.restock", 1, 2)).hasMessage(
				"INVALID_ARGUMENT: Invalid arguments for Inventory.restock: argument 'sku' (java.lang.String) must be a string, got an integer");
		assertThatThrownBy(() -> client.call("Inventory.restock", "apple", null)).hasMessage(
				"INVALID_ARGUMENT: Invalid arguments for Inventory.restock: argument 'amount' (int) must not be null");
		assertThatThrownBy(() -> client.call("Inventory.restock", "apple", 1.5))
			.hasMessageContaining("argument 'amount' (int) must be an integer, got a number");
		assertThatThrownBy(() -> client.call("Inventory.all", List.of("a", 2)))
			.hasMessage("INVALID_ARGUMENT: Invalid arguments for Inventory.all: argument 'skus' element 1 "
					+ "(java.lang.String) must be a string, got an integer");
		assertThatThrownBy(() -> client.call("Inventory.all", "a"))
			.hasMessageContaining("argument 'skus' (java.util.List<java.lang.String>) must be an array, got a string");
		assertThat(this.sent).containsExactly(GenericRpcClient.REFLECTION_KEY);
	}

	@Test
	void validationChecksNames() {
		GenericRpcClient client = client(true);
		assertThatThrownBy(() -> client.callNamed("Inventory.restock", Map.of("sku", "a", "amout", 1)))
			.isInstanceOfSatisfying(RpcException.class, (ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
				assertThat(ex.getMessage()).contains("no parameter named 'amout'");
			});
		assertThatThrownBy(() -> client.callNamed("Inventory.restock", Map.of("sku", "a"))).hasMessage(
				"INVALID_ARGUMENT: Invalid arguments for Inventory.restock: argument 'amount' (int) is missing");
		assertThat(this.sent).containsExactly(GenericRpcClient.REFLECTION_KEY);
	}

	@Test
	void validationLetsFittingCallsThrough() {
		GenericRpcClient client = client(true);
		assertThat(client.call(Item.class, "Inventory.restock", "apple", 1)).isEqualTo(new Item("apple", 6));
		assertThat(client.callNamed(Item.class, "Inventory.find", Map.of())).isEqualTo(new Item(null, 5));
		assertThatThrownBy(() -> client.call("Inventory.unknown", "anything")).isInstanceOfSatisfying(
				RpcException.class, (ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND));
		assertThat(this.sent).endsWith("Inventory.unknown");
	}

	@Test
	void validationOfABatchSendsNothingWhenOneCallIsWrong() {
		GenericRpcClient client = client(true);
		GenericRpcClient.Batch batch = client.batch().add("Inventory.find", "a").add("Inventory.restock", "a", "b");
		assertThatThrownBy(batch::execute).isInstanceOfSatisfying(RpcException.class,
				(ex) -> assertThat(ex.getMessage()).contains("argument 'amount'"));
		assertThat(this.sent).containsExactly(GenericRpcClient.REFLECTION_KEY);
	}

	/**
	 * An item in stock.
	 *
	 * @param sku the stock keeping unit
	 * @param count how many there are
	 */
	public record Item(String sku, int count) {
	}

	/**
	 * The service the tests call.
	 */
	public interface Inventory {

		Item find(String sku);

		Item restock(String sku, int amount);

		List<Item> all(List<String> skus);

		Item missing();

		void fail(String message);

		String block();

		void log(String line);

	}

	static final class InventoryService implements Inventory {

		final List<String> log = new CopyOnWriteArrayList<>();

		final CountDownLatch gate = new CountDownLatch(1);

		@Override
		public Item find(String sku) {
			return new Item(sku, 5);
		}

		@Override
		public Item restock(String sku, int amount) {
			return new Item(sku, 5 + amount);
		}

		@Override
		public List<Item> all(List<String> skus) {
			return skus.stream().map(this::find).toList();
		}

		@Override
		public Item missing() {
			return null;
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public String block() {
			try {
				this.gate.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "late";
		}

		@Override
		public void log(String line) {
			this.log.add(line);
		}

	}

}
