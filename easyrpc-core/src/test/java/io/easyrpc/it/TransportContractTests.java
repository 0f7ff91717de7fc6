package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.client.RpcClientControl;
import io.easyrpc.it.errors.QuotaExceededException;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What every transport must do the same way: each transport runs this suite through a
 * subclass that says how a server is reached over it. The calls, streams, errors,
 * sessions and limits here know nothing of the transport underneath. Servers and clients
 * allocate from a {@link TrackingByteBufAllocator}; after each test every buffer they
 * allocated must be released.
 */
abstract class TransportContractTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final Duration WAIT = Duration.ofSeconds(10);

	protected final RpcFixture rpc = new RpcFixture();

	private final List<String> transports = new CopyOnWriteArrayList<>();

	private final ContractService service = new ContractService();

	// Every buffer the test's server and clients allocate comes from here, and must be
	// released once they are closed.
	private final TrackingByteBufAllocator allocator = new TrackingByteBufAllocator(preferDirectBuffers());

	@AfterEach
	void closeFixtureAndCheckEveryBufferIsReleased() {
		this.rpc.close();
		assertThat(this.allocator.allocations()).as("buffers allocated through the tracking allocator").isPositive();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.allocator.unreleased())
				.as("unreleased buffers:%n%s", this.allocator.describeUnreleased())
				.isEmpty());
	}

	/**
	 * Return whether the transport's channels allocate direct buffers, as socket channels
	 * do. The default is {@code true}.
	 * @return whether to prefer direct buffers
	 */
	protected boolean preferDirectBuffers() {
		return true;
	}

	/**
	 * Return the address the server binds itself, for example a TCP port or an in-process
	 * name.
	 * @return the address to bind
	 */
	protected abstract RpcAddress bindAddress();

	/**
	 * Make a started server reachable over the transport under test.
	 * @param server the started server
	 * @return the address a client dials
	 */
	protected abstract RpcAddress clientAddress(RpcServer server) throws Exception;

	/**
	 * Return the transport name the server reports to observers.
	 * @return the transport, see {@link CallInfo#transport()}
	 */
	protected abstract String transport();

	/**
	 * Customize every server of the suite, for transports that need the server set up for
	 * them. The default does nothing.
	 * @param builder the server's builder
	 */
	protected void customizeServer(RpcServer.Builder builder) {
	}

	/**
	 * Customize every client channel of the suite. The default does nothing.
	 * @param builder the channel's builder
	 */
	protected void customizeClient(RpcChannel.Builder builder) {
	}

	private void trackedClient(RpcChannel.Builder builder) {
		builder.allocator(this.allocator);
		customizeClient(builder);
	}

	private Contract contract() throws Exception {
		return contract((builder) -> {
		}, WAIT);
	}

	private Contract contract(Consumer<RpcServer.Builder> customizer, Duration timeout) throws Exception {
		RpcServer server = server(customizer);
		return client(clientAddress(server), timeout);
	}

	private RpcServer server(Consumer<RpcServer.Builder> customizer) {
		return this.rpc.server(bindAddress(), (builder) -> {
			builder.observer((call) -> {
				this.transports.add(call.transport());
				return null;
			});
			builder.allocator(this.allocator);
			customizeServer(builder);
			customizer.accept(builder);
		}, RpcFixture.definitions(this.service));
	}

	private Contract client(RpcAddress address, Duration timeout) {
		RpcChannel channel = this.rpc.channel(address, this::trackedClient);
		return this.rpc.client(new ClientDefinition(Contract.class, "ContractApi", null, timeout, null), channel);
	}

	@Test
	void blockingAndConcurrentAsyncCalls() throws Exception {
		Contract contract = contract();
		assertThat(contract.hello("Ada")).isEqualTo("Hello, Ada");
		List<CompletableFuture<Integer>> calls = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			calls.add(contract.length("x".repeat(i)));
		}
		for (int i = 0; i < 500; i++) {
			assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
		}
	}

	@Test
	void applicationExceptionArrivesAsItsOwnType() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN,
				"easyrpc method ContractApi.reserve threw an unexpected exception");
		Contract contract = contract();
		assertThatExceptionOfType(QuotaExceededException.class).isThrownBy(() -> contract.reserve("plum"))
			.withMessageContaining("plum");
		assertThat(contract.hello("still fine")).isEqualTo("Hello, still fine");
	}

	@Test
	void unknownMethodIsNotFound() throws Exception {
		RpcServer server = server((builder) -> {
		});
		RpcChannel channel = this.rpc.channel(clientAddress(server), this::trackedClient);
		Unknown unknown = this.rpc.client(new ClientDefinition(Unknown.class, "ContractApi", null, WAIT, null),
				channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(unknown::missing)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND));
	}

	@Test
	void notificationReachesTheService() throws Exception {
		Contract contract = contract();
		contract.note("first");
		contract.note("second");
		await().atMost(WAIT).until(() -> this.service.notes.size() == 2);
		assertThat(this.service.notes).containsExactlyInAnyOrder("first", "second");
	}

	@Test
	void largePayloadsTravelBothWays() throws Exception {
		Contract contract = contract();
		String large = "y".repeat(2 * 1024 * 1024);
		assertThat(contract.hello(large)).hasSize(large.length() + 7).endsWith("yyy");
	}

	@Test
	void serverStreamDeliversEveryItemInOrder() throws Exception {
		Contract contract = contract();
		assertThat(contract.count(5000).collectList().block(WAIT)).hasSize(5000)
			.startsWith(0, 1, 2)
			.endsWith(4998, 4999);
	}

	@Test
	void streamConsumedOneItemAtATimeCompletes() throws Exception {
		Contract contract = contract();
		List<Integer> received = new ArrayList<>();
		contract.count(200).limitRate(1).doOnNext(received::add).blockLast(WAIT);
		assertThat(received).hasSize(200);
	}

	@Test
	void cancellingAStreamStopsTheProducer() throws Exception {
		Contract contract = contract();
		assertThat(contract.endless().take(10).collectList().block(WAIT)).hasSize(10);
		await().atMost(WAIT).untilTrue(this.service.endlessCancelled);
	}

	@Test
	void errorMidStreamArrivesAfterTheItemsBeforeIt() throws Exception {
		this.logs.expect(RpcServer.class, Level.WARN,
				"easyrpc method ContractApi.failAfter threw an unexpected exception");
		Contract contract = contract();
		List<Integer> received = new CopyOnWriteArrayList<>();
		// The service's exception type is one the client may re-create.
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> contract.failAfter(3).doOnNext(received::add).blockLast(WAIT))
			.withMessageContaining("failed after 3");
		assertThat(received).containsExactly(0, 1, 2);
	}

	@Test
	void deadlineAppliesToTheWholeStream() throws Exception {
		Contract contract = contract((builder) -> {
		}, Duration.ofMillis(300));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> contract.endless().blockLast(WAIT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
	}

	@Test
	void clientStreamAndChannel() throws Exception {
		Contract contract = contract();
		assertThat(contract.sum(Flux.range(1, 100)).get(10, TimeUnit.SECONDS)).isEqualTo(5050);
		assertThat(contract.doubled(Flux.range(1, 50)).collectList().block(WAIT)).hasSize(50).startsWith(2, 4, 6);
	}

	@Test
	void manyConcurrentStreamsShareOneConnection() throws Exception {
		Contract contract = contract();
		List<CompletableFuture<List<Integer>>> streams = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			streams.add(contract.count(100).collectList().toFuture());
		}
		for (CompletableFuture<List<Integer>> stream : streams) {
			assertThat(stream.get(20, TimeUnit.SECONDS)).hasSize(100);
		}
	}

	@Test
	void sessionKeepsStateAcrossCalls() throws Exception {
		Contract contract = contract();
		try (RpcSession session = RpcSession.open()) {
			assertThat(contract.visit()).isEqualTo(1);
			assertThat(contract.visit()).isEqualTo(2);
		}
		try (RpcSession session = RpcSession.open()) {
			assertThat(contract.visit()).isEqualTo(1);
		}
	}

	@Test
	void serviceSeesARealPeerAddressAndObserversTheTransport() throws Exception {
		Contract contract = contract();
		String peer = contract.peer();
		if (transport().equals(CallInfo.UNIX)) {
			assertThat(peer).as("peer seen by the service").isNotEqualTo("null");
		}
		else if (!transport().equals(CallInfo.IN_PROCESS)) {
			assertThat(peer).as("peer seen by the service").startsWith("/127.0.0.1:");
		}
		await().atMost(WAIT).until(() -> !this.transports.isEmpty());
		assertThat(this.transports).containsOnly(transport());
	}

	@Test
	void middlewareSeesTheCallAndMayAnswerInsteadOfTheMethod() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		Contract contract = contract((builder) -> builder.middleware((invocation, chain) -> {
			seen.add(invocation.methodKey() + " " + invocation.arguments()[0]);
			if ("secret".equals(invocation.arguments()[0])) {
				throw new RpcException(RpcStatus.PERMISSION_DENIED, "Not for you");
			}
			return chain.proceed();
		}), WAIT);
		assertThat(contract.hello("Ada")).isEqualTo("Hello, Ada");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> contract.hello("secret"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("Not for you");
		assertThat(seen).containsExactly("ContractApi.hello Ada", "ContractApi.hello secret");
	}

	@Test
	void connectionMiddlewareRefusalReachesTheCaller() throws Exception {
		List<ConnectionInfo> connections = new CopyOnWriteArrayList<>();
		Contract contract = contract((builder) -> builder.connectionMiddleware((connection) -> {
			connections.add(connection);
			return ConnectionDecision.reject(RpcStatus.PERMISSION_DENIED, "Closed for maintenance", "maintenance");
		}), WAIT);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> contract.hello("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("Closed for maintenance");
		assertThat(connections).isNotEmpty();
		if (transport().equals(CallInfo.UNIX)) {
			assertThat(connections.get(0).isLocal()).isTrue();
		}
		else if (!transport().equals(CallInfo.IN_PROCESS)) {
			assertThat(String.valueOf(connections.get(0).remoteAddress())).startsWith("/127.0.0.1:");
		}
	}

	@Test
	void stoppedServerFailsCallsWithUnavailable() throws Exception {
		RpcServer server = server((builder) -> {
		});
		Contract contract = client(clientAddress(server), WAIT);
		assertThat(contract.hello("before")).isEqualTo("Hello, before");
		server.stop(Duration.ofSeconds(1));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> contract.hello("after"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
	}

	@Test
	void pingTimesARoundTripAndFailsOnceTheServerIsGone() throws Exception {
		RpcServer server = server((builder) -> {
		});
		Contract contract = client(clientAddress(server), WAIT);
		RpcClientControl control = RpcClientControl.of(contract);
		assertThat(control.rpcPing().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isGreaterThanOrEqualTo(Duration.ZERO);
		assertThat(contract.hello("after a ping")).isEqualTo("Hello, after a ping");
		server.stop(Duration.ofSeconds(1));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(control.rpcPing(Duration.ofSeconds(2))).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(RpcException.class,
						(ex) -> assertThat(ex.getStatus()).isIn(RpcStatus.UNAVAILABLE, RpcStatus.DEADLINE_EXCEEDED)));
	}

	/**
	 * The client's view of the service.
	 */
	public interface Contract {

		String hello(String name);

		CompletableFuture<Integer> length(String text);

		String reserve(String item);

		void note(String text);

		Flux<Integer> count(int count);

		Flux<Integer> endless();

		Flux<Integer> failAfter(int count);

		CompletableFuture<Integer> sum(Flux<Integer> items);

		Flux<Integer> doubled(Flux<Integer> items);

		int visit();

		String peer();

	}

	/**
	 * A method the server does not have.
	 */
	public interface Unknown {

		String missing();

	}

	/**
	 * The service, as the server sees it.
	 */
	public interface ContractApi {

		String hello(String name);

		int length(String text);

		String reserve(String item);

		@io.easyrpc.RpcMethod(oneWay = true)
		void note(String text);

		Flux<Integer> count(int count);

		Flux<Integer> endless();

		Flux<Integer> failAfter(int count);

		int sum(Flux<Integer> items);

		Flux<Integer> doubled(Flux<Integer> items);

		int visit();

		String peer();

	}

	static final class ContractService implements ContractApi {

		final List<String> notes = new CopyOnWriteArrayList<>();

		final AtomicBoolean endlessCancelled = new AtomicBoolean();

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public int length(String text) {
			return text.length();
		}

		@Override
		public String reserve(String item) {
			throw new QuotaExceededException("No more " + item);
		}

		@Override
		public void note(String text) {
			this.notes.add(text);
		}

		@Override
		public Flux<Integer> count(int count) {
			return Flux.range(0, count);
		}

		@Override
		public Flux<Integer> endless() {
			return Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> this.endlessCancelled.set(true));
		}

		@Override
		public Flux<Integer> failAfter(int count) {
			return Flux.concat(Flux.range(0, count), Flux.error(new IllegalStateException("failed after " + count)));
		}

		@Override
		public int sum(Flux<Integer> items) {
			return items.reduce(0, Integer::sum).block(WAIT);
		}

		@Override
		public Flux<Integer> doubled(Flux<Integer> items) {
			return items.map((item) -> item * 2);
		}

		@Override
		public int visit() {
			return RpcContext.current()
				.session()
				.computeIfAbsent("visits", (name) -> new AtomicInteger())
				.incrementAndGet();
		}

		@Override
		public String peer() {
			return String.valueOf(RpcContext.current().peerAddress());
		}

	}

}
