package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ValueType;
import io.easyrpc.gateway.GatewayTarget;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.it.errors.QuotaExceededException;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Gateway routes over real sockets: a client calls {@code inv/Inventory.*} on a gateway
 * that forwards to the server that has {@code Inventory.*}, frame by frame. Every call
 * style, errors, deadlines, cancellation both ways, headers, sessions, the gateway's own
 * authentication and middleware, chains of gateways, and the payload bytes passing
 * through unchanged.
 */
@ExtendWith(LeakDetectionExtension.class)
class GatewayTests {

	// The client's credit window for a server stream.
	private static final int WINDOW = 32;

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final RpcFixture rpc = new RpcFixture();

	private final InventoryService service = new InventoryService();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	// A gateway with one route "inv" to the server.
	private RpcServer gateway(RpcServer target, Consumer<RpcServer.Builder> customizer) {
		return gateway(this.rpc.channel(target), customizer);
	}

	private RpcServer gateway(RpcChannel target, Consumer<RpcServer.Builder> customizer) {
		return this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> customizer.accept(builder.route("inv", GatewayTarget.of(target))));
	}

	private RpcServer gateway(RpcServer target) {
		return gateway(target, (builder) -> {
		});
	}

	private <T> T client(Class<T> type, RpcChannel channel, String group, Duration timeout) {
		return this.rpc.client(new ClientDefinition(type, "Inventory", group, timeout, null), channel);
	}

	private <T> T client(Class<T> type, RpcServer gateway) {
		return client(type, this.rpc.channel(gateway), "inv", RpcFixture.TIMEOUT);
	}

	@Test
	void unaryCallsAndNotificationsReachTheTarget() {
		Inventory inventory = client(Inventory.class, gateway(this.rpc.tcpServer(this.service)));
		assertThat(inventory.find("sku-1")).isEqualTo("found sku-1");
		assertThat(inventory.find(null)).isEqualTo("found null");
		inventory.log("hello");
		await().atMost(WAIT).until(() -> this.service.logged.contains("hello"));
	}

	@Test
	void errorsOfTheTargetComeBackAsFromADirectCall() {
		RpcServer target = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.exposeStackTraces(true),
				RpcFixture.definitions(this.service));
		Inventory direct = client(Inventory.class, this.rpc.channel(target), null, RpcFixture.TIMEOUT);
		Inventory forwarded = client(Inventory.class, gateway(target));
		QuotaExceededException directFailure = catchQuota(() -> direct.reserve("sku", 11));
		QuotaExceededException forwardedFailure = catchQuota(() -> forwarded.reserve("sku", 11));
		assertThat(forwardedFailure).hasMessage(directFailure.getMessage()).hasMessage("Only 10 of sku left");
		FutureInventory futures = client(FutureInventory.class, this.rpc.channel(gateway(target)), "inv",
				RpcFixture.TIMEOUT);
		RpcException remote = rpcFailure(futures.reserve("sku", 11));
		assertThat(remote.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
		assertThat(remote.getRemoteClassName()).isEqualTo(QuotaExceededException.class.getName());
		assertThat(remote.getRemoteStackTrace()).contains("InventoryService.reserve");
		assertThat(remote.getDescription()).isEqualTo("Only 10 of sku left");
		RpcException missing = rpcFailure(futures.missing());
		assertThat(missing.getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
		assertThat(missing.getDescription()).contains("'Inventory.missing'");
	}

	@Test
	void anUnreachableTargetIsUnavailableNamingTheRoute() {
		RpcServer stopped = this.rpc.tcpServer(this.service);
		RpcChannel channel = this.rpc.channel(stopped);
		stopped.stop(Duration.ZERO);
		FutureInventory inventory = client(FutureInventory.class, this.rpc.channel(gateway(channel, (builder) -> {
		})), "inv", RpcFixture.TIMEOUT);
		RpcException failure = rpcFailure(inventory.find("sku"));
		assertThat(failure.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE);
		assertThat(failure.getDescription()).contains("gateway route 'inv'").contains(channel.address().toString());
	}

	@Test
	void aKeyWithoutRouteOrMethodIsNotFoundOnTheGateway() {
		RpcServer gateway = gateway(this.rpc.tcpServer(this.service));
		FutureInventory other = client(FutureInventory.class, this.rpc.channel(gateway), "other", RpcFixture.TIMEOUT);
		assertThat(rpcFailure(other.find("x")).getStatus()).isEqualTo(RpcStatus.NOT_FOUND);
		assertThat(gateway.routes()).containsOnlyKeys("inv");
	}

	@Test
	void reflectionThroughTheRouteListsTheTargetsMethods() {
		RpcChannel channel = this.rpc.channel(gateway(this.rpc.tcpServer(this.service)));
		Object listing = channel
			.call("inv/" + Reflection.DESCRIBE_KEY, null, new ValueType[0], RpcFixture.CODEC.valueType(Object.class),
					RpcFixture.TIMEOUT, Metadata.EMPTY)
			.join();
		assertThat(listing.toString()).contains("Inventory.find").doesNotContain("inv/Inventory.find");
	}

	@Test
	void serverStreamHonoursTheCallersCreditThroughTheGateway() {
		StreamInventory inventory = client(StreamInventory.class, gateway(this.rpc.tcpServer(this.service)));
		assertThat(inventory.count(5).toList()).containsExactly(0, 1, 2, 3, 4);
		int consumed = 2000;
		Stream<Integer> items = inventory.endless();
		Iterator<Integer> iterator = items.iterator();
		for (int i = 0; i < consumed; i++) {
			assertThat(iterator.next()).isEqualTo(i);
		}
		// The target produces only within the caller's credit: the gateway adds none.
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
		items.close();
		await().atMost(WAIT).untilTrue(this.service.endlessCancelled);
		assertThat(this.service.produced.get()).isLessThanOrEqualTo(consumed + WINDOW);
	}

	@Test
	void clientStreamsAndDuplexChannelsPassThrough() {
		Inventory inventory = client(Inventory.class, gateway(this.rpc.tcpServer(this.service)));
		long expected = IntStream.range(0, 5000).asLongStream().sum();
		assertThat(inventory.total(Flux.range(0, 5000)).join()).isEqualTo(expected);
		assertThat(inventory.total(Flux.empty()).join()).isZero();
		List<String> shouted = inventory.shout(Flux.range(0, 1000).map((i) -> "w" + i)).collectList().block(WAIT);
		assertThat(shouted).hasSize(1000).startsWith("W0", "W1").endsWith("W999");
	}

	@Test
	void theTargetSeesTheRemainingDeadline() {
		Inventory inventory = client(Inventory.class, this.rpc.channel(gateway(this.rpc.tcpServer(this.service))),
				"inv", Duration.ofSeconds(30));
		long remaining = inventory.remainingMillis();
		assertThat(remaining).isPositive().isLessThanOrEqualTo(30_000);
		Inventory unlimited = client(Inventory.class, this.rpc.channel(gateway(this.rpc.tcpServer(this.service))),
				"inv", null);
		assertThat(unlimited.remainingMillis()).isEqualTo(-1);
	}

	@Test
	void aDeadlineThatPassesCancelsTheCallOnTheTarget() {
		Inventory inventory = client(Inventory.class, this.rpc.channel(gateway(this.rpc.tcpServer(this.service))),
				"inv", Duration.ofMillis(300));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> inventory.waitForCancel("late"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
		await().atMost(WAIT).until(() -> this.service.cancelled.contains("late"));
	}

	@Test
	void cancellingACallCancelsItOnTheTarget() {
		FutureInventory inventory = client(FutureInventory.class, gateway(this.rpc.tcpServer(this.service)));
		CompletableFuture<String> call = inventory.waitForCancel("early");
		await().atMost(WAIT).until(() -> this.service.waiting.contains("early"));
		call.cancel(false);
		await().atMost(WAIT).until(() -> this.service.cancelled.contains("early"));
	}

	@Test
	void theTargetsCancellationOfTheCallersStreamReachesTheCaller() {
		Inventory inventory = client(Inventory.class, gateway(this.rpc.tcpServer(this.service)));
		AtomicBoolean producerCancelled = new AtomicBoolean();
		Flux<Integer> endless = Flux.range(0, Integer.MAX_VALUE).doOnCancel(() -> producerCancelled.set(true));
		assertThat(inventory.firstThree(endless).join()).isEqualTo(3);
		await().atMost(WAIT).untilTrue(producerCancelled);
	}

	@Test
	void headersAndIdempotencyKeysReachTheTarget() {
		Inventory inventory = client(Inventory.class, gateway(this.rpc.tcpServer(this.service)));
		try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("x-tenant", "acme"))) {
			assertThat(inventory.header("x-tenant")).isEqualTo("acme");
		}
		assertThat(inventory.header("x-tenant")).isNull();
	}

	@Test
	void aSessionsCallsShareOneSessionOnTheTargetAndItsEndReachesTheTarget() {
		RpcServer target = this.rpc.tcpServer(this.service);
		RpcServer gateway = gateway(target);
		Inventory first = client(Inventory.class, gateway);
		Inventory second = client(Inventory.class, gateway);
		String targetSessionId;
		try (RpcSession session = RpcSession.open()) {
			assertThat(first.add("apple")).isEqualTo(1);
			assertThat(first.add("pear")).isEqualTo(2);
			targetSessionId = first.sessionId();
			// The gateway gives the session its own id on the target.
			assertThat(targetSessionId).isNotEmpty().isNotEqualTo(session.id());
			assertThat(first.sessionId()).isEqualTo(targetSessionId);
			// Another caller's session with the same id is another session on the target.
			try (RpcContext.Scope scope = session.enter()) {
				assertThat(second.add("plum")).isEqualTo(1);
				assertThat(second.sessionId()).isNotEqualTo(targetSessionId);
			}
			assertThat(target.sessionCount()).isEqualTo(2);
		}
		await().atMost(WAIT).until(() -> target.sessionCount() == 0);
		assertThat(first.add("fig")).isEqualTo(-1);
	}

	@Test
	void theGatewaysSharedSecretRefusesAWrongClient() {
		RpcServer target = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.sharedSecret("target"),
				RpcFixture.definitions(this.service));
		RpcChannel toTarget = this.rpc.channel(RpcFixture.address(target), (builder) -> builder.sharedSecret("target"));
		RpcServer gateway = gateway(toTarget, (builder) -> builder.sharedSecret("edge"));
		FutureInventory wrong = client(FutureInventory.class,
				this.rpc.channel(RpcFixture.address(gateway), (builder) -> builder.sharedSecret("target")), "inv",
				RpcFixture.TIMEOUT);
		assertThat(rpcFailure(wrong.find("sku")).getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
		Inventory right = client(Inventory.class,
				this.rpc.channel(RpcFixture.address(gateway), (builder) -> builder.sharedSecret("edge")), "inv",
				RpcFixture.TIMEOUT);
		assertThat(right.find("sku")).isEqualTo("found sku");
	}

	@Test
	void theGatewaysMiddlewareSeesForwardedCallsAndMayRefuseThem() {
		List<String> seen = new CopyOnWriteArrayList<>();
		RpcMiddleware tokens = (invocation, chain) -> {
			seen.add(invocation.methodKey() + " forwarded=" + invocation.isForwarded() + " arguments="
					+ invocation.arguments().length + " service=" + invocation.service());
			if (!"let-me-in".equals(invocation.headers().get("x-token"))) {
				throw new RpcException(RpcStatus.PERMISSION_DENIED, "No token");
			}
			Object result = chain.proceed();
			assertThat(RpcContext.current().methodKey()).isEqualTo(invocation.methodKey());
			return result;
		};
		RpcServer gateway = gateway(this.rpc.tcpServer(this.service), (builder) -> builder.middleware(tokens));
		Inventory inventory = client(Inventory.class, gateway);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> inventory.find("sku"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED));
		assertThat(this.service.finds).hasValue(0);
		try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("x-token", "let-me-in"))) {
			assertThat(inventory.find("sku")).isEqualTo("found sku");
			assertThat(inventory.count(3).collectList().block(WAIT)).containsExactly(0, 1, 2);
		}
		assertThat(seen).first().asString().startsWith("inv/Inventory.find forwarded=true arguments=0 service=");
	}

	@Test
	void aChainOfTwoGatewaysReachesTheServer() {
		RpcServer inner = gateway(this.rpc.tcpServer(this.service));
		RpcServer outer = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.route("edge", GatewayTarget.of(this.rpc.channel(inner))));
		RpcChannel channel = this.rpc.channel(outer);
		Inventory inventory = client(Inventory.class, channel, "edge/inv", RpcFixture.TIMEOUT);
		assertThat(inventory.find("sku")).isEqualTo("found sku");
		assertThat(inventory.total(Flux.range(0, 100)).join()).isEqualTo(4950);
		assertThat(inventory.count(40).collectList().block(WAIT)).hasSize(40);
		FutureInventory futures = client(FutureInventory.class, channel, "edge/inv", RpcFixture.TIMEOUT);
		RpcException failure = rpcFailure(futures.reserve("sku", 11));
		assertThat(failure.getRemoteClassName()).isEqualTo(QuotaExceededException.class.getName());
		assertThat(failure.getDescription()).isEqualTo("Only 10 of sku left");
	}

	@Test
	void payloadBytesPassTheGatewayUnchanged() {
		// The caller sends its arguments in a valid but unusual encoding (array32 instead
		// of fixarray); the target's processor sees that very encoding, which a gateway
		// that decoded and encoded again would have replaced.
		byte[] array32 = { (byte) 0xdd, 0, 0, 0, 1 };
		RpcProcessor unusual = new RpcProcessor() {
			@Override
			public byte[] outbound(MessageInfo message, byte[] payload) {
				if (message.kind() != MessageInfo.Kind.REQUEST || (payload[0] & 0xff) != 0x91) {
					return payload;
				}
				byte[] result = new byte[payload.length + 4];
				System.arraycopy(array32, 0, result, 0, 5);
				System.arraycopy(payload, 1, result, 5, payload.length - 1);
				return result;
			}

			@Override
			public byte[] inbound(MessageInfo message, byte[] payload) {
				return payload;
			}
		};
		List<byte[]> received = new CopyOnWriteArrayList<>();
		RpcProcessor recorder = new RpcProcessor() {
			@Override
			public byte[] outbound(MessageInfo message, byte[] payload) {
				return payload;
			}

			@Override
			public byte[] inbound(MessageInfo message, byte[] payload) {
				received.add(payload);
				return payload;
			}
		};
		RpcServer target = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.processor(recorder),
				RpcFixture.definitions(this.service));
		RpcServer gateway = gateway(target);
		RpcChannel channel = this.rpc.channel(RpcFixture.address(gateway), (builder) -> builder.processor(unusual));
		Inventory inventory = client(Inventory.class, channel, "inv", RpcFixture.TIMEOUT);
		assertThat(inventory.find("sku")).isEqualTo("found sku");
		assertThat(received).hasSize(1);
		assertThat(received.get(0)).startsWith(array32).hasSize(5 + 4);
	}

	@Test
	void routePrefixesAreChecked() {
		GatewayTarget target = GatewayTarget.of(this.rpc.channel(RpcAddress.tcp("127.0.0.1", 1), (builder) -> {
		}));
		for (String prefix : List.of("", "a/b", "a.b", "with space", "easyrpc")) {
			assertThatIllegalArgumentException().isThrownBy(() -> RpcServer.builder().route(prefix, target));
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RpcServer.builder().route("inv", target).route("inv", target))
			.withMessageContaining("'inv'");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.route("inv", target),
					io.easyrpc.server.ServiceDefinition.builder(this.service).group("inv").build()))
			.withMessageContaining("inv/Inventory.");
	}

	private static QuotaExceededException catchQuota(Runnable call) {
		try {
			call.run();
		}
		catch (QuotaExceededException ex) {
			return ex;
		}
		throw new AssertionError("No QuotaExceededException");
	}

	private static RpcException rpcFailure(CompletableFuture<?> call) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		await().atMost(WAIT).until(call::isDone);
		call.whenComplete((result, ex) -> failure.set(ex));
		Throwable cause = failure.get();
		while (cause != null && !(cause instanceof RpcException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(RpcException.class);
		return (RpcException) cause;
	}

	/**
	 * The target's service.
	 */
	public interface Inventory {

		String find(String sku);

		@RpcMethod(oneWay = true)
		void log(String line);

		int reserve(String sku, int count) throws QuotaExceededException;

		Flux<Integer> count(int n);

		Flux<Integer> endless();

		CompletableFuture<Long> total(Flux<Integer> items);

		CompletableFuture<Integer> firstThree(Flux<Integer> items);

		Flux<String> shout(Flux<String> words);

		long remainingMillis();

		String waitForCancel(String name);

		String header(String name);

		int add(String item);

		String sessionId();

	}

	/**
	 * Asynchronous client view.
	 */
	public interface FutureInventory {

		CompletableFuture<String> find(String sku);

		CompletableFuture<Integer> reserve(String sku, int count);

		CompletableFuture<String> waitForCancel(String name);

		CompletableFuture<String> missing();

	}

	/**
	 * Blocking stream client view.
	 */
	public interface StreamInventory {

		Stream<Integer> count(int n);

		Stream<Integer> endless();

	}

	static final class InventoryService implements Inventory {

		final List<String> logged = new CopyOnWriteArrayList<>();

		final AtomicInteger finds = new AtomicInteger();

		final AtomicLong produced = new AtomicLong();

		final AtomicBoolean endlessCancelled = new AtomicBoolean();

		final Set<String> waiting = ConcurrentHashMap.newKeySet();

		final Set<String> cancelled = ConcurrentHashMap.newKeySet();

		@Override
		public String find(String sku) {
			this.finds.incrementAndGet();
			return "found " + sku;
		}

		@Override
		public void log(String line) {
			this.logged.add(line);
		}

		@Override
		public int reserve(String sku, int count) {
			if (count > 10) {
				throw new QuotaExceededException("Only 10 of " + sku + " left");
			}
			return count;
		}

		@Override
		public Flux<Integer> count(int n) {
			return Flux.range(0, n);
		}

		@Override
		public Flux<Integer> endless() {
			return Flux.range(0, Integer.MAX_VALUE)
				.doOnNext((item) -> this.produced.incrementAndGet())
				.doOnCancel(() -> this.endlessCancelled.set(true));
		}

		@Override
		public CompletableFuture<Long> total(Flux<Integer> items) {
			return items.reduce(0L, (sum, item) -> sum + item).toFuture();
		}

		@Override
		public CompletableFuture<Integer> firstThree(Flux<Integer> items) {
			return items.take(3).count().map(Long::intValue).toFuture();
		}

		@Override
		public Flux<String> shout(Flux<String> words) {
			return words.map(String::toUpperCase);
		}

		@Override
		public long remainingMillis() {
			Duration remaining = RpcContext.current().timeRemaining();
			return (remaining != null) ? remaining.toMillis() : -1;
		}

		@Override
		public String waitForCancel(String name) {
			RpcContext context = RpcContext.current();
			this.waiting.add(name);
			while (!context.isCancelled()) {
				LockSupport.parkNanos(1_000_000);
			}
			this.cancelled.add(name);
			return name;
		}

		@Override
		public String header(String name) {
			return RpcContext.current().header(name);
		}

		@Override
		public int add(String item) {
			ServerSession session = RpcContext.current().session();
			if (session == null) {
				return -1;
			}
			List<String> items = session.computeIfAbsent("items", (key) -> new CopyOnWriteArrayList<String>());
			items.add(item);
			return items.size();
		}

		@Override
		public String sessionId() {
			String id = RpcContext.current().sessionId();
			return (id != null) ? id : "";
		}

	}

}
