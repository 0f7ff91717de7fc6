package io.easyrpc.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Sessions over real connections: calls made in an {@link RpcSession} carry its id, share
 * server-side attributes and stay on the connection of their first call; the server drops
 * a session's attributes when the client closes it or the connection closes, and bounds
 * the sessions per connection.
 */
@ExtendWith(LeakDetectionExtension.class)
class SessionTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void callsInASessionShareServerAttributesAndCallsOutsideDoNot() {
		CartService service = new CartService("A");
		Cart cart = cart(this.rpc.tcpServer(service));
		try (RpcSession session = RpcSession.open()) {
			assertThat(cart.add("apple")).isEqualTo(1);
			assertThat(cart.add("pear")).isEqualTo(2);
			assertThat(cart.items()).containsExactly("apple", "pear");
			assertThat(cart.sessionId()).isEqualTo(session.id());
		}
		assertThat(cart.sessionId()).isEmpty();
		assertThat(cart.items()).isEmpty();
		assertThat(cart.add("plum")).isEqualTo(-1);
	}

	@Test
	void scopedCallbacksRunInOneSession() throws Exception {
		Cart cart = cart(this.rpc.tcpServer(new CartService("A")));
		List<String> items = RpcSession.call(() -> {
			cart.add("apple");
			cart.add("pear");
			return cart.items();
		});
		assertThat(items).containsExactly("apple", "pear");
		List<Integer> counts = new ArrayList<>();
		RpcSession.run(() -> counts.add(cart.add("plum")));
		assertThat(counts).containsExactly(1);
	}

	@Test
	void concurrentSessionsOnOneConnectionAreIsolated() throws Exception {
		RpcServer server = this.rpc.tcpServer(new CartService("A"));
		Cart cart = cart(server);
		ExecutorService callers = Executors.newFixedThreadPool(2);
		this.rpc.onClose(callers::shutdownNow);
		CyclicBarrier together = new CyclicBarrier(2);
		List<Future<List<String>>> results = new ArrayList<>();
		for (String name : List.of("left", "right")) {
			results.add(callers.submit(() -> RpcSession.call(() -> {
				for (int i = 0; i < 50; i++) {
					cart.add(name + i);
					if (i == 25) {
						// Both sessions are open on the connection at once.
						together.await(10, TimeUnit.SECONDS);
						assertThat(server.sessionCount()).isEqualTo(2);
					}
				}
				return cart.items();
			})));
		}
		for (int r = 0; r < 2; r++) {
			String name = (r == 0) ? "left" : "right";
			List<String> items = results.get(r).get(30, TimeUnit.SECONDS);
			assertThat(items).hasSize(50).allSatisfy((item) -> assertThat(item).startsWith(name));
		}
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void closingTheSessionDropsItsServerAttributes() {
		CartService service = new CartService("A");
		RpcServer server = this.rpc.tcpServer(service);
		Cart cart = cart(server);
		String id;
		try (RpcSession session = RpcSession.open()) {
			id = session.id();
			cart.add("apple");
			assertThat(server.sessionCount()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> service.ended.contains(id));
		assertThat(service.sessions.get(id).size()).isZero();
		assertThat(service.sessions.get(id).isEnded()).isTrue();
	}

	@Test
	void closingTheConnectionDropsTheSessionsOnIt() {
		CartService service = new CartService("A");
		RpcServer server = this.rpc.tcpServer(service);
		RpcChannel channel = this.rpc.channel(server);
		Cart cart = this.rpc.client(Cart.class, channel);
		try (RpcSession session = RpcSession.open()) {
			cart.add("apple");
			assertThat(server.sessionCount()).isEqualTo(1);
			channel.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> service.ended.contains(session.id()));
			assertThat(server.sessionCount()).isZero();
		}
	}

	@Test
	void aSessionStaysOnTheServerItStartedOnWhileAnotherChannelGoesElsewhere() {
		CartService serviceA = new CartService("A");
		CartService serviceB = new CartService("B");
		RpcServer serverA = this.rpc.tcpServer(serviceA);
		RpcServer serverB = this.rpc.tcpServer(serviceB);
		Cart cartA = cart(serverA);
		Cart cartB = cart(serverB);
		try (RpcSession session = RpcSession.open()) {
			cartA.add("apple");
			cartB.add("pear");
			cartA.add("plum");
			assertThat(cartA.server()).isEqualTo("A");
			assertThat(cartB.server()).isEqualTo("B");
			assertThat(cartA.items()).containsExactly("apple", "plum");
			assertThat(cartB.items()).containsExactly("pear");
			assertThat(serviceA.sessions).containsOnlyKeys(session.id());
			assertThat(serviceB.sessions).containsOnlyKeys(session.id());
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> serverA.sessionCount() == 0 && serverB.sessionCount() == 0);
	}

	@Test
	void aSessionDoesNotMoveToANewConnectionWhenItsOwnCloses() {
		String name = "session-pin-" + UUID.randomUUID();
		RpcAddress address = RpcAddress.inProcess(name);
		CartService first = new CartService("first");
		RpcServer firstServer = this.rpc.server(address, (builder) -> {
		}, RpcFixture.definitions(first));
		RpcChannel channel = this.rpc.channel(address, (builder) -> builder.initialBackoff(Duration.ofMillis(1)));
		Cart cart = this.rpc.client(Cart.class, channel);
		try (RpcSession session = RpcSession.open()) {
			cart.add("apple");
			assertThat(cart.server()).isEqualTo("first");
			firstServer.stop(Duration.ZERO);
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.state() != RpcChannel.State.READY);
			this.rpc.server(address, (builder) -> {
			}, RpcFixture.definitions(new CartService("second")));
			assertThat(outsideSession(cart::server)).isEqualTo("second");
			assertThatExceptionOfType(RpcException.class).isThrownBy(cart::items).satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE);
				assertThat(ex.getDescription()).contains("session's connection closed");
			});
		}
		try (RpcSession fresh = RpcSession.open()) {
			assertThat(cart.server()).isEqualTo("second");
			assertThat(cart.add("pear")).isEqualTo(1);
		}
	}

	@Test
	void asyncCallsCarryTheSessionTheyWereStartedIn() throws Exception {
		CartService service = new CartService("A");
		Cart cart = cart(this.rpc.tcpServer(service));
		CompletableFuture<String> id;
		String expected;
		try (RpcSession session = RpcSession.open()) {
			expected = session.id();
			id = cart.sessionIdAsync();
		}
		// Started in the session, completed after it closed.
		assertThat(id.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
		assertThat(cart.sessionIdAsync().get(10, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void aMonoCallBelongsToTheSessionItWasMadeInWhereverItIsSubscribed() throws Exception {
		RpcChannel channel = this.rpc.channel(this.rpc.tcpServer(new CartService("A")));
		ReactiveCart cart = this.rpc
			.client(new ClientDefinition(ReactiveCart.class, "Cart", null, RpcFixture.TIMEOUT, null), channel);
		ExecutorService other = Executors.newSingleThreadExecutor();
		this.rpc.onClose(other::shutdownNow);
		Mono<String> late;
		try (RpcSession session = RpcSession.open()) {
			Mono<String> id = cart.sessionId();
			// Subscribed on a thread without a session: the call carries the one it was
			// made in.
			assertThat(other.submit(() -> id.block(RpcFixture.TIMEOUT)).get(10, TimeUnit.SECONDS))
				.isEqualTo(session.id());
			late = cart.sessionId();
		}
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> late.block(RpcFixture.TIMEOUT))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT));
		assertThat(cart.sessionId().block(RpcFixture.TIMEOUT)).isEmpty();
	}

	@Test
	void aSessionEnteredOnAnotherThreadSharesItsAttributes() throws Exception {
		Cart cart = cart(this.rpc.tcpServer(new CartService("A")));
		ExecutorService other = Executors.newSingleThreadExecutor();
		this.rpc.onClose(other::shutdownNow);
		try (RpcSession session = RpcSession.open()) {
			cart.add("apple");
			Future<Integer> added = other.submit(() -> {
				try (RpcContext.Scope scope = session.enter()) {
					return cart.add("pear");
				}
			});
			assertThat(added.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(cart.items()).containsExactly("apple", "pear");
		}
	}

	@Test
	void anInnerSessionReplacesTheOuterOneForItsScope() {
		Cart cart = cart(this.rpc.tcpServer(new CartService("A")));
		try (RpcSession outer = RpcSession.open()) {
			cart.add("apple");
			try (RpcSession inner = RpcSession.open()) {
				assertThat(RpcSession.current()).isSameAs(inner);
				assertThat(cart.sessionId()).isEqualTo(inner.id());
				assertThat(cart.items()).isEmpty();
			}
			assertThat(RpcSession.current()).isSameAs(outer);
			assertThat(cart.sessionId()).isEqualTo(outer.id());
			assertThat(cart.items()).containsExactly("apple");
		}
		assertThat(RpcSession.current()).isNull();
	}

	@Test
	void callsInAClosedSessionFail() {
		Cart cart = cart(this.rpc.tcpServer(new CartService("A")));
		RpcSession session = RpcSession.open();
		session.close();
		try (RpcContext.Scope scope = session.enter()) {
			assertThatExceptionOfType(RpcException.class).isThrownBy(cart::items)
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT));
		}
	}

	@Test
	void aConnectionMayHaveAtMostTheConfiguredNumberOfSessions() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.maxSessionsPerConnection(2), RpcFixture.definitions(new CartService("A")));
		Cart cart = cart(server);
		RpcSession first = RpcSession.open();
		cart.add("a");
		RpcSession second = RpcSession.open();
		cart.add("b");
		try (RpcSession third = RpcSession.open()) {
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> cart.add("c")).satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(ex.getDescription()).contains("at most 2 open sessions");
			});
			// Calls outside sessions and in open sessions go on.
			try (RpcContext.Scope scope = second.enter()) {
				assertThat(cart.items()).containsExactly("b");
			}
		}
		second.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 1);
		try (RpcSession fourth = RpcSession.open()) {
			assertThat(cart.add("d")).isEqualTo(1);
		}
		try (RpcContext.Scope scope = first.enter()) {
			assertThat(cart.items()).containsExactly("a");
		}
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 0);
	}

	private Cart cart(RpcServer server) {
		return this.rpc.client(Cart.class, this.rpc.channel(server));
	}

	private static <T> T outsideSession(Supplier<T> call) {
		// A call without a session, made while a session is current: detach it on a
		// thread that has none.
		CompletableFuture<T> result = CompletableFuture.supplyAsync(call);
		return result.join();
	}

	public interface Cart {

		int add(String item);

		List<String> items();

		String sessionId();

		CompletableFuture<String> sessionIdAsync();

		String server();

	}

	public interface ReactiveCart {

		Mono<String> sessionId();

	}

	static class CartService implements Cart {

		final String name;

		final Map<String, ServerSession> sessions = new ConcurrentHashMap<>();

		final Set<String> ended = ConcurrentHashMap.newKeySet();

		CartService(String name) {
			this.name = name;
		}

		@Override
		public int add(String item) {
			ServerSession session = RpcContext.current().session();
			if (session == null) {
				return -1;
			}
			if (this.sessions.putIfAbsent(session.id(), session) == null) {
				session.onEnd(() -> this.ended.add(session.id()));
			}
			List<String> items = session.computeIfAbsent("items", (key) -> new CopyOnWriteArrayList<>());
			items.add(item);
			return items.size();
		}

		@Override
		@SuppressWarnings("unchecked")
		public List<String> items() {
			ServerSession session = RpcContext.current().session();
			List<String> items = (session != null) ? (List<String>) session.get("items") : null;
			return (items != null) ? List.copyOf(items) : List.of();
		}

		@Override
		public String sessionId() {
			String id = RpcContext.current().sessionId();
			return (id != null) ? id : "";
		}

		@Override
		public CompletableFuture<String> sessionIdAsync() {
			return CompletableFuture.completedFuture(sessionId());
		}

		@Override
		public String server() {
			return this.name;
		}

	}

}
