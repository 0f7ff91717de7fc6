package io.easyrpc.it;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two versions of one interface, {@link InventoryV1} and {@link InventoryV2}, served and
 * called under the same wire names over TCP loopback: one test per rule of
 * {@code docs/evolution.md}, in both directions where both make sense. "Old" is the
 * version a peer was built with before the change, "new" the version after it.
 */
@ExtendWith(LeakDetectionExtension.class)
class InterfaceEvolutionTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	// Adding a record component

	@Test
	void addedRecordComponentIsNullOrZeroWhenAnOldClientCallsANewServer() {
		InventoryV2Service server = new InventoryV2Service();
		InventoryV1 client = connect(InventoryV1.class, server, InventoryV2.class);
		ItemV1 saved = client.save(new ItemV1("BK-1", 3));
		assertThat(server.saved).isEqualTo(new ItemV2("BK-1", 3, null, 0));
		assertThat(saved).isEqualTo(new ItemV1("BK-1", 3));
	}

	@Test
	void addedRecordComponentIsIgnoredWhenANewClientCallsAnOldServer() {
		InventoryV1Service server = new InventoryV1Service();
		InventoryV2 client = connect(InventoryV2.class, server, InventoryV1.class);
		ItemV2 saved = client.save(new ItemV2("BK-1", 3, "Berlin", 2));
		assertThat(server.saved).isEqualTo(new ItemV1("BK-1", 3));
		assertThat(saved).isEqualTo(new ItemV2("BK-1", 3, null, 0));
	}

	// Removing a record component: the same pair with the roles swapped

	@Test
	void removedRecordComponentIsIgnoredWhenAnOldClientCallsANewServer() {
		InventoryV1Service server = new InventoryV1Service();
		InventoryV2 client = connect(InventoryV2.class, server, InventoryV1.class);
		ItemV2 saved = client.save(new ItemV2("BK-1", 3, "Berlin", 2));
		assertThat(server.saved).isEqualTo(new ItemV1("BK-1", 3));
		assertThat(saved.location()).isNull();
		assertThat(saved.reserved()).isZero();
	}

	@Test
	void removedRecordComponentIsNullOrZeroWhenANewClientCallsAnOldServer() {
		InventoryV2Service server = new InventoryV2Service();
		InventoryV1 client = connect(InventoryV1.class, server, InventoryV2.class);
		client.save(new ItemV1("BK-1", 3));
		assertThat(server.saved).isEqualTo(new ItemV2("BK-1", 3, null, 0));
	}

	// Renaming a record component

	@Test
	void renamedRecordComponentLosesItsValueInBothDirections() {
		InventoryV2Service newServer = new InventoryV2Service();
		InventoryV1 oldClient = connect(InventoryV1.class, newServer, InventoryV2.class);
		assertThat(oldClient.count(new CountV1("BK-1", 7))).isEqualTo(new CountV1("BK-1", 0));
		assertThat(newServer.counted).isEqualTo(new CountV2("BK-1", 0));
		InventoryV1Service oldServer = new InventoryV1Service();
		InventoryV2 newClient = connect(InventoryV2.class, oldServer, InventoryV1.class);
		assertThat(newClient.count(new CountV2("BK-1", 7))).isEqualTo(new CountV2("BK-1", 0));
		assertThat(oldServer.counted).isEqualTo(new CountV1("BK-1", 0));
	}

	@Test
	void renamedRecordComponentThatKeepsItsWireNameWorksInBothDirections() {
		InventoryV2Service newServer = new InventoryV2Service();
		InventoryV1 oldClient = connect(InventoryV1.class, newServer, InventoryV2.class);
		assertThat(oldClient.level(new LevelV1("BK-1", 7))).isEqualTo(new LevelV1("BK-1", 7));
		assertThat(newServer.levelled).isEqualTo(new LevelV2("BK-1", 7));
		InventoryV2 newClient = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(newClient.level(new LevelV2("BK-1", 9))).isEqualTo(new LevelV2("BK-1", 9));
	}

	// Adding a method

	@Test
	void addedMethodIsNotFoundWhenANewClientCallsAnOldServer() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(client::restockAll).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
			assertThat(ex.getDescription()).contains("Inventory.restockAll");
		});
		assertThat(client.lookup("BK-1")).isEqualTo(new ItemV2("BK-1", 1, null, 0));
	}

	@Test
	void addedMethodLeavesTheOldMethodsOfAnOldClientWorking() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.find("BK-1")).isEqualTo(new ItemV1("BK-1", 2));
	}

	// Removing a method

	@Test
	void removedMethodIsNotFoundWhenAnOldClientCallsANewServer() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.discontinue("BK-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
			assertThat(ex.getDescription()).contains("Inventory.discontinue");
		});
	}

	// Adding a parameter at the end

	@Test
	void addedTrailingParameterIsNullOrEmptyWhenAnOldClientCallsANewServer() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.label("BK-1")).isEqualTo("BK-1 locale=null width=Optional.empty");
	}

	@Test
	void addedTrailingPrimitiveParameterFailsWithInvalidArgumentNamingItWhenAnOldClientCallsANewServer() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.hold("BK-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(ex.getDescription()).isEqualTo("Invalid arguments for Inventory.hold: expected 2 arguments, "
					+ "got 1; argument 'days' (index 1, int) is missing and a primitive parameter has no default");
		});
	}

	@Test
	void addedTrailingParameterLeftNullIsIgnoredWhenANewClientCallsAnOldServer() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(client.label("BK-1", null, Optional.empty())).isEqualTo("BK-1");
	}

	@Test
	void addedTrailingParameterWithAValueFailsWithInvalidArgumentWhenANewClientCallsAnOldServer() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.label("BK-1", "de", Optional.empty()))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
				assertThat(ex.getDescription()).isEqualTo("Invalid arguments for Inventory.label: expected 1 argument, "
						+ "got 3; the argument at index 1 is not nil and the method has no parameter for it");
			});
	}

	// Removing a trailing parameter

	@Test
	void removedTrailingParameterIsAcceptedWhenAnOldClientSendsNil() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.ship("BK-1", null)).isEqualTo("BK-1 by any carrier");
	}

	@Test
	void removedTrailingParameterFailsWithInvalidArgumentWhenAnOldClientSendsAValue() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.ship("BK-1", "DHL")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(ex.getDescription()).isEqualTo("Invalid arguments for Inventory.ship: expected 1 argument, "
					+ "got 2; the argument at index 1 is not nil and the method has no parameter for it");
		});
	}

	@Test
	void removedTrailingParameterIsNullWhenANewClientCallsAnOldServer() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(client.ship("BK-1")).isEqualTo("BK-1 by null");
	}

	// Changing a type: compatible (int widened to long)

	@Test
	void widenedParameterAndResultTypesAcceptAnOldClient() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.reserve("BK-1", 5)).isEqualTo(5);
	}

	@Test
	void widenedTypesWorkAgainstAnOldServerWhileValuesFit() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(client.reserve("BK-1", 5L)).isEqualTo(5L);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.reserve("BK-1", 5_000_000_000L))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
				assertThat(ex.getDescription())
					.startsWith("Invalid arguments for Inventory.reserve: argument 'amount': ")
					.contains("5000000000")
					.contains("out of range");
			});
	}

	@Test
	void widenedResultTooLargeForAnOldClientFailsWithInternal() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.reserve("BK-1", -1)).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL);
			assertThat(ex.getDescription()).startsWith("Cannot decode the result of Inventory.reserve: ")
				.contains("out of range");
		});
	}

	// Changing a type: incompatible (String to int)

	@Test
	void incompatibleParameterTypeFailsWithInvalidArgumentNamingTheParameter() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.byCode("BK-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
			assertThat(ex.getDescription()).startsWith("Invalid arguments for Inventory.byCode: argument 'code': ")
				.contains("BK-1");
		});
		InventoryV2 newClient = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(newClient.byCode(42)).isEqualTo(new ItemV2("42", 1, null, 0));
	}

	@Test
	void incompatibleResultTypeFailsWithInternalOnTheClient() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.price("BK-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL);
			assertThat(ex.getDescription()).startsWith("Cannot decode the result of Inventory.price: ")
				.contains("12.50");
		});
		InventoryV1 oldClient = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(oldClient.price("BK-1")).isEqualTo("1250");
	}

	// Adding an enum constant

	@Test
	void addedEnumConstantFailsWithInternalNamingItWhenAnOldClientReceivesIt() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.status("BK-1")).isEqualTo(StatusV1.AVAILABLE);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.status("BK-2")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL);
			assertThat(ex.getDescription()).startsWith("Cannot decode the result of Inventory.status: ")
				.contains("BACKORDERED");
		});
	}

	@Test
	void addedEnumConstantReadsAsTheDefaultConstantWhenTheOldEnumDeclaresOne() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.condition("BK-1")).isEqualTo(ConditionV1.NEW);
		assertThat(client.condition("BK-2")).isEqualTo(ConditionV1.UNKNOWN);
	}

	@Test
	void addedEnumConstantFailsWithInvalidArgumentNamingTheParameterWhenAnOldServerReceivesIt() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(client.mark("BK-1", StatusV2.DISCONTINUED)).isEqualTo("BK-1 DISCONTINUED");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.mark("BK-1", StatusV2.BACKORDERED))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT);
				assertThat(ex.getDescription()).startsWith("Invalid arguments for Inventory.mark: argument 'status': ")
					.contains("BACKORDERED");
			});
	}

	// A new exception type

	@Test
	void newExceptionTypeReachesAnOldClientAsRpcExceptionWithTheRemoteClassName() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.cancel("OR-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
			assertThat(ex.getRemoteClassName()).isEqualTo(OrderShippedException.class.getName());
			assertThat(ex.getDescription()).isEqualTo("OR-1 has shipped");
		});
	}

	@Test
	void newExceptionTypeIsRecreatedForANewClientThatDeclaresIt() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(OrderShippedException.class).isThrownBy(() -> client.cancel("OR-1"))
			.withMessage("OR-1 has shipped");
	}

	// Renaming a method

	@Test
	void renamedMethodKeepingItsWireNameServesAnOldClient() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThat(client.find("BK-1")).isEqualTo(new ItemV1("BK-1", 2));
	}

	@Test
	void renamedMethodKeepingItsWireNameReachesAnOldServer() {
		InventoryV2 client = connect(InventoryV2.class, new InventoryV1Service(), InventoryV1.class);
		assertThat(client.lookup("BK-1")).isEqualTo(new ItemV2("BK-1", 1, null, 0));
	}

	@Test
	void renamedMethodWithoutItsWireNameIsNotFoundForAnOldClient() {
		InventoryV1 client = connect(InventoryV1.class, new InventoryV2Service(), InventoryV2.class);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.describe("BK-1")).satisfies((ex) -> {
			assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
			assertThat(ex.getDescription()).contains("Inventory.describe");
		});
	}

	/**
	 * Serve {@code service} as {@code served} under the service name {@code Inventory}
	 * and return a client of {@code clientType} under the same name.
	 */
	private <T> T connect(Class<T> clientType, Object service, Class<?> served) {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, ServiceDefinition.builder(service).type(served).name("Inventory").build());
		return this.rpc.client(new ClientDefinition(clientType, "Inventory", null, RpcFixture.TIMEOUT, null),
				this.rpc.channel(server));
	}

	public record ItemV1(String sku, int stock) {
	}

	public record ItemV2(String sku, int stock, @Nullable String location, int reserved) {
	}

	public record CountV1(String sku, int quantity) {
	}

	public record CountV2(String sku, int onHand) {
	}

	public record LevelV1(String sku, int quantity) {
	}

	public record LevelV2(String sku, @JsonProperty("quantity") int onHand) {
	}

	public enum StatusV1 {

		AVAILABLE, DISCONTINUED

	}

	public enum StatusV2 {

		AVAILABLE, DISCONTINUED, BACKORDERED

	}

	public enum ConditionV1 {

		NEW, USED, @JsonEnumDefaultValue
		UNKNOWN

	}

	public enum ConditionV2 {

		NEW, USED, REFURBISHED

	}

	/**
	 * A checked exception that only the second version declares.
	 */
	public static class OrderShippedException extends Exception {

		private static final long serialVersionUID = 1L;

		public OrderShippedException(String message) {
			super(message);
		}

	}

	/**
	 * The interface before the changes.
	 */
	public interface InventoryV1 {

		ItemV1 save(ItemV1 item);

		CountV1 count(CountV1 count);

		LevelV1 level(LevelV1 level);

		ItemV1 find(String sku);

		String describe(String sku);

		void discontinue(String sku);

		String label(String sku);

		String hold(String sku);

		String ship(String sku, @Nullable String carrier);

		int reserve(String sku, int amount);

		ItemV1 byCode(String code);

		String price(String sku);

		StatusV1 status(String sku);

		ConditionV1 condition(String sku);

		String mark(String sku, StatusV1 status);

		void cancel(String order);

	}

	/**
	 * The interface after the changes, with the same wire names.
	 */
	public interface InventoryV2 {

		ItemV2 save(ItemV2 item);

		CountV2 count(CountV2 count);

		LevelV2 level(LevelV2 level);

		@RpcMethod(name = "find")
		ItemV2 lookup(String sku);

		String summary(String sku);

		int restockAll();

		String label(String sku, @Nullable String locale, Optional<Integer> width);

		String hold(String sku, int days);

		String ship(String sku);

		long reserve(String sku, long amount);

		ItemV2 byCode(int code);

		int price(String sku);

		StatusV2 status(String sku);

		ConditionV2 condition(String sku);

		String mark(String sku, StatusV2 status);

		void cancel(String order) throws OrderShippedException;

	}

	public static class InventoryV1Service implements InventoryV1 {

		volatile @Nullable ItemV1 saved;

		volatile @Nullable CountV1 counted;

		@Override
		public ItemV1 save(ItemV1 item) {
			this.saved = item;
			return item;
		}

		@Override
		public CountV1 count(CountV1 count) {
			this.counted = count;
			return count;
		}

		@Override
		public LevelV1 level(LevelV1 level) {
			return level;
		}

		@Override
		public ItemV1 find(String sku) {
			return new ItemV1(sku, 1);
		}

		@Override
		public String describe(String sku) {
			return sku;
		}

		@Override
		public void discontinue(String sku) {
		}

		@Override
		public String label(String sku) {
			return sku;
		}

		@Override
		public String hold(String sku) {
			return sku;
		}

		@Override
		public String ship(String sku, @Nullable String carrier) {
			return sku + " by " + carrier;
		}

		@Override
		public int reserve(String sku, int amount) {
			return amount;
		}

		@Override
		public ItemV1 byCode(String code) {
			return new ItemV1(code, 1);
		}

		@Override
		public String price(String sku) {
			return "12.50";
		}

		@Override
		public StatusV1 status(String sku) {
			return StatusV1.AVAILABLE;
		}

		@Override
		public ConditionV1 condition(String sku) {
			return ConditionV1.NEW;
		}

		@Override
		public String mark(String sku, StatusV1 status) {
			return sku + " " + status;
		}

		@Override
		public void cancel(String order) {
		}

	}

	public static class InventoryV2Service implements InventoryV2 {

		volatile @Nullable ItemV2 saved;

		volatile @Nullable CountV2 counted;

		volatile @Nullable LevelV2 levelled;

		@Override
		public ItemV2 save(ItemV2 item) {
			this.saved = item;
			return new ItemV2(item.sku(), item.stock(), "Berlin", 2);
		}

		@Override
		public CountV2 count(CountV2 count) {
			this.counted = count;
			return count;
		}

		@Override
		public LevelV2 level(LevelV2 level) {
			this.levelled = level;
			return level;
		}

		@Override
		public ItemV2 lookup(String sku) {
			return new ItemV2(sku, 2, "Berlin", 0);
		}

		@Override
		public String summary(String sku) {
			return sku;
		}

		@Override
		public int restockAll() {
			return 0;
		}

		@Override
		public String label(String sku, @Nullable String locale, Optional<Integer> width) {
			return sku + " locale=" + locale + " width=" + width;
		}

		@Override
		public String hold(String sku, int days) {
			return sku + " for " + days + " days";
		}

		@Override
		public String ship(String sku) {
			return sku + " by any carrier";
		}

		@Override
		public long reserve(String sku, long amount) {
			return (amount < 0) ? Long.MAX_VALUE : amount;
		}

		@Override
		public ItemV2 byCode(int code) {
			return new ItemV2(Integer.toString(code), 1, null, 0);
		}

		@Override
		public int price(String sku) {
			return 1250;
		}

		@Override
		public StatusV2 status(String sku) {
			return sku.equals("BK-1") ? StatusV2.AVAILABLE : StatusV2.BACKORDERED;
		}

		@Override
		public ConditionV2 condition(String sku) {
			return sku.equals("BK-1") ? ConditionV2.NEW : ConditionV2.REFURBISHED;
		}

		@Override
		public String mark(String sku, StatusV2 status) {
			return sku + " " + status;
		}

		@Override
		public void cancel(String order) throws OrderShippedException {
			throw new OrderShippedException(order + " has shipped");
		}

	}

}
