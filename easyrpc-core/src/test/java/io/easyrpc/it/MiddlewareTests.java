package io.easyrpc.it;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.middleware.LocalPeers;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcClientMiddleware;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.MethodOptions;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Server and client middleware, per-method concurrency limits and local-only methods,
 * over TCP loopback.
 */
@ExtendWith(LeakDetectionExtension.class)
class MiddlewareTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void globalMiddlewareRunsInOrderAroundServiceMiddlewareAroundTheMethod() {
		List<String> trace = new CopyOnWriteArrayList<>();
		GreeterService service = new GreeterService(trace);
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.middleware(tracing("first", trace)).middleware(tracing("second", trace)),
				ServiceDefinition.builder(service).middleware(tracing("service", trace)).build());
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada");
		assertThat(trace).containsExactly("first>", "second>", "service>", "method", "<service", "<second", "<first");
	}

	@Test
	void middlewareSeesTheCallAndCanReplaceArgumentsAndResult() {
		Map<String, Object> seen = new ConcurrentHashMap<>();
		RpcMiddleware middleware = (invocation, chain) -> {
			seen.put("key", invocation.methodKey());
			seen.put("method", invocation.method().getName());
			seen.put("header", String.valueOf(invocation.headers().get("x-tenant")));
			seen.put("peer", invocation.peerAddress());
			seen.put("oneWay", invocation.isOneWay());
			invocation.arguments()[0] = ((String) invocation.arguments()[0]).toUpperCase();
			return chain.proceed() + "!";
		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.middleware(middleware),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("x-tenant", "acme"))) {
			assertThat(greeter.greet("ada")).isEqualTo("Hello, ADA!");
		}
		assertThat(seen).containsEntry("key", "Greeter.greet")
			.containsEntry("method", "greet")
			.containsEntry("header", "acme")
			.containsEntry("oneWay", false);
		assertThat(seen.get("peer")).isInstanceOf(InetSocketAddress.class);
	}

	@Test
	void middlewareShortCircuitsWithAStatusAndTheMethodDoesNotRun() {
		List<String> trace = new CopyOnWriteArrayList<>();
		RpcMiddleware deny = (invocation, chain) -> {
			throw new RpcException(RpcStatus.PERMISSION_DENIED, "tenant not allowed");
		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.middleware(deny),
				RpcFixture.definitions(new GreeterService(trace)));
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.greet("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("tenant not allowed");
		assertThat(trace).isEmpty();
	}

	@Test
	void middlewareThrowingAnyExceptionMapsToAStatusLikeTheMethodWould() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Greeter.greet threw an unexpected exception");
		RpcMiddleware broken = (invocation, chain) -> {
			throw new IllegalArgumentException("bad tenant header");
		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.middleware(broken),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		// An unexpected exception becomes APPLICATION_ERROR, and java.lang exceptions are
		// re-created on the client, as for one thrown by the method.
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> greeter.greet("Ada"))
			.withMessage("bad tenant header");
	}

	@Test
	void middlewareThatCallsProceedTwiceFailsTheCallClearly() {
		RpcMiddleware twice = (invocation, chain) -> {
			chain.proceed();
			return chain.proceed();
		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.middleware(twice),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.greet("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INTERNAL));
	}

	@Test
	void clientMiddlewareAddsHeadersInOrderAndCanShortCircuit() {
		List<String> headers = new CopyOnWriteArrayList<>();
		RpcMiddleware record = (invocation, chain) -> {
			headers.add(invocation.headers().get("authorization") + "|" + invocation.headers().get("x-order"));
			return chain.proceed();
		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.middleware(record),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		RpcClientMiddleware auth = (invocation, chain) -> {
			invocation.headers().put("authorization", "Bearer t0k3n");
			invocation.headers().put("x-order", "auth");
			return chain.proceed();
		};
		RpcClientMiddleware second = (invocation, chain) -> {
			assertThat(invocation.methodKey()).isEqualTo("Greeter.greet");
			assertThat(invocation.target()).startsWith("tcp://127.0.0.1:");
			invocation.headers().put("x-order", invocation.headers().get("x-order") + ",second");
			if ("nobody".equals(invocation.arguments()[0])) {
				throw new RpcException(RpcStatus.UNAUTHENTICATED, "no credentials for nobody");
			}
			return chain.proceed();
		};
		RpcChannel channel = this.rpc.channel(server);
		Greeter greeter = new ClientProxyFactory(new ExceptionFactory(List.of(), null), List.of(auth, second))
			.createProxy(ClientDefinition.of(Greeter.class, RpcFixture.TIMEOUT), channel);
		assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada");
		assertThat(headers).containsExactly("Bearer t0k3n|auth,second");
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.greet("nobody"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED));
		assertThat(headers).hasSize(1);
	}

	@Test
	void processorsOnBothSidesTransformEveryPayloadOverTcp() {
		List<String> seen = new CopyOnWriteArrayList<>();
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.processor(new Reverse("server", seen)),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.processor(new Reverse("client", seen)));
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada");
		assertThat(seen).containsExactly("client out REQUEST Greeter.greet", "server in REQUEST Greeter.greet",
				"server out RESPONSE Greeter.greet", "client in RESPONSE Greeter.greet");
	}

	@Test
	void payloadFromAClientWithoutTheServersProcessorIsRefusedAsInvalid() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0),
				(builder) -> builder.processor(new Reverse("server", new ArrayList<>())),
				RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.greet("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT));
	}

	@Test
	void processorRefusingAResponseFailsTheCallWithItsStatus() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, RpcFixture.definitions(new GreeterService(new ArrayList<>())));
		RpcChannel channel = this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.processor(new RpcProcessor() {

					@Override
					public byte[] outbound(MessageInfo message, byte[] payload) {
						return payload;
					}

					@Override
					public byte[] inbound(MessageInfo message, byte[] payload) {
						throw new RpcException(RpcStatus.UNAUTHENTICATED, "response failed its check");
					}

				}));
		Greeter greeter = this.rpc.client(Greeter.class, channel);
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> greeter.greet("Ada"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED))
			.withMessageContaining("response failed its check");
	}

	@Test
	void callOverTheConcurrencyLimitFailsAtOnceWithResourceExhausted() throws Exception {
		int limit = 3;
		SlowService service = new SlowService(limit);
		List<String> rejections = new CopyOnWriteArrayList<>();
		ServerCallObserver observer = new ServerCallObserver() {

			@Override
			public io.easyrpc.middleware.CallObservation start(io.easyrpc.middleware.CallInfo call) {
				return null;
			}

			@Override
			public void rejected(String methodKey, String reason) {
				rejections.add(methodKey + ":" + reason);
			}

		};
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.observer(observer),
				ServiceDefinition.builder(service)
					.methodOptions((method) -> method.getName().equals("hold")
							? MethodOptions.DEFAULT.withMaxConcurrency(limit) : null)
					.build());
		Slow slow = this.rpc.client(Slow.class, this.rpc.channel(server));
		List<CompletableFuture<String>> held = new ArrayList<>();
		for (int i = 0; i < limit; i++) {
			held.add(slow.hold(i));
		}
		assertThat(service.started.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<String> extra = slow.hold(limit);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> extra.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class, (ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(ex.getMessage()).contains("Slow.hold").contains("at most 3 concurrent calls");
			});
		assertThat(rejections).containsExactly("Slow.hold:max-concurrency");
		assertThat(slow.other()).as("other methods are not limited").isEqualTo("free");
		service.release.countDown();
		for (int i = 0; i < limit; i++) {
			assertThat(held.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("held " + i);
		}
		// The slots are free again.
		assertThat(slow.hold(7).get(10, TimeUnit.SECONDS)).isEqualTo("held 7");
		// The slot is given back before the answer is sent.
		assertThat(server.registry().lookup("Slow.hold").running()).isZero();
	}

	@Test
	void sequentialCallsFromOneCallerNeverTripALimitOfOne() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> {
		}, ServiceDefinition.builder(new GreeterService(new ArrayList<>()))
			.methodOptions((method) -> MethodOptions.DEFAULT.withMaxConcurrency(1))
			.build());
		Greeter greeter = this.rpc.client(Greeter.class, this.rpc.channel(server));
		for (int i = 0; i < 2000; i++) {
			assertThat(greeter.greet("n" + i)).isEqualTo("Hello, n" + i);
		}
	}

	@Test
	void localOnlyMethodAnswersLoopbackCallers() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("0.0.0.0", 0), (builder) -> {
		}, localOnlyAdmin());
		Admin admin = this.rpc.client(Admin.class,
				this.rpc.channel(RpcAddress.tcp("127.0.0.1", server.port()), (builder) -> {
				}));
		assertThat(admin.shutdownHint()).isEqualTo("local");
		assertThat(admin.version()).isEqualTo("1.0");
	}

	@Test
	void localOnlyMethodRefusesCallersFromAnotherHostAddress() throws SocketException {
		InetAddress external = nonLoopbackAddress();
		assumeThat(external).as("a non-loopback IPv4 address on this machine").isNotNull();
		RpcServer server = this.rpc.server(RpcAddress.tcp("0.0.0.0", 0), (builder) -> {
		}, localOnlyAdmin());
		Admin admin = this.rpc.client(Admin.class,
				this.rpc.channel(RpcAddress.tcp(external.getHostAddress(), server.port()), (builder) -> {
				}));
		assertThatExceptionOfType(RpcException.class).isThrownBy(admin::shutdownHint)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED))
			.withMessageContaining("Admin.shutdownHint");
		assertThat(admin.version()).as("other methods answer").isEqualTo("1.0");
	}

	@Test
	void localPeersAreInProcessAndLoopbackAddressesOnly() throws Exception {
		assertThat(LocalPeers.isLocal(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1))).isTrue();
		assertThat(LocalPeers.isLocal(new InetSocketAddress(InetAddress.getByName("::1"), 1))).isTrue();
		assertThat(LocalPeers.isLocal(new io.netty.channel.local.LocalAddress("test"))).isTrue();
		assertThat(LocalPeers.isLocal(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 1))).isFalse();
		assertThat(LocalPeers.isLocal(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1))).isFalse();
		assertThat(LocalPeers.isLocal(null)).isFalse();
	}

	private static ServiceDefinition localOnlyAdmin() {
		return ServiceDefinition.builder(new AdminService())
			.methodOptions((method) -> method.getName().equals("shutdownHint")
					? MethodOptions.DEFAULT.withLocalOnly(true) : null)
			.build();
	}

	private static InetAddress nonLoopbackAddress() throws SocketException {
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!network.isUp() || network.isLoopback()) {
				continue;
			}
			for (InetAddress address : Collections.list(network.getInetAddresses())) {
				if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
					return address;
				}
			}
		}
		return null;
	}

	private static RpcMiddleware tracing(String name, List<String> trace) {
		return (invocation, chain) -> {
			trace.add(name + ">");
			try {
				return chain.proceed();
			}
			finally {
				trace.add("<" + name);
			}
		};
	}

	// Reverses the payload bytes: unreadable unless the other side reverses them back.
	record Reverse(String side, List<String> seen) implements RpcProcessor {

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			this.seen.add(this.side + " out " + message.kind() + " " + message.methodKey());
			return reverse(payload);
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			this.seen.add(this.side + " in " + message.kind() + " " + message.methodKey());
			return reverse(payload);
		}

		private static byte[] reverse(byte[] payload) {
			byte[] result = new byte[payload.length];
			for (int i = 0; i < payload.length; i++) {
				result[i] = payload[payload.length - 1 - i];
			}
			return result;
		}

	}

	public interface Greeter {

		String greet(String name);

	}

	public static class GreeterService implements Greeter {

		private final List<String> trace;

		GreeterService(List<String> trace) {
			this.trace = trace;
		}

		@Override
		public String greet(String name) {
			this.trace.add("method");
			return "Hello, " + name;
		}

	}

	public interface Slow {

		CompletableFuture<String> hold(int id);

		String other();

	}

	public static class SlowService implements Slow {

		final CountDownLatch started;

		final CountDownLatch release = new CountDownLatch(1);

		SlowService(int expected) {
			this.started = new CountDownLatch(expected);
		}

		@Override
		public CompletableFuture<String> hold(int id) {
			this.started.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("held " + id);
		}

		@Override
		public String other() {
			return "free";
		}

	}

	public interface Admin {

		String shutdownHint();

		String version();

	}

	public static class AdminService implements Admin {

		@Override
		public String shutdownHint() {
			return "local";
		}

		@Override
		public String version() {
			return "1.0";
		}

	}

}
