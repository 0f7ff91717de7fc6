package io.easyrpc.it;

import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcMethodLookup;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientMethodOptions;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.MethodOptions;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RpcMethod @RpcMethod} options read by the core alone, without Spring: servers
 * built with {@link ServiceDefinition#builder(Object)} and proxies built from
 * {@link ClientDefinition#of(Class, Duration)}, over TCP loopback.
 */
@ExtendWith(LeakDetectionExtension.class)
class RpcMethodAnnotationTests {

	private static final String WORKER = "desk-worker";

	private final RpcFixture rpc = new RpcFixture();

	private final DeskService service = new DeskService();

	@AfterEach
	void close() {
		this.service.release.countDown();
		this.rpc.close();
	}

	@Test
	void serviceDefinitionTakesTheOptionsOfTheInterfaceAndImplementationMethods() {
		Map<String, MethodOptions> options = ServiceDefinition.builder(this.service)
			.build()
			.methods()
			.stream()
			.collect(Collectors.toMap(ServiceDefinition.Entry::key, ServiceDefinition.Entry::options));
		assertThat(options).containsOnlyKeys("Desk.greet", "Desk.welcomeBack", "Desk.note", "Desk.quick", "Desk.slow",
				"Desk.hold", "Desk.stall", "Desk.admin");
		assertThat(options.get("Desk.note").oneWay()).isTrue();
		assertThat(options.get("Desk.quick").nonBlocking()).isTrue();
		assertThat(options.get("Desk.slow").nonBlocking()).isFalse();
		assertThat(options.get("Desk.hold").maxConcurrency()).isEqualTo(1);
		assertThat(options.get("Desk.admin").localOnly()).isTrue();
		assertThat(options.get("Desk.stall")).isEqualTo(MethodOptions.DEFAULT);
	}

	@Test
	void implementationAnnotationReplacesTheInterfaceAnnotation() throws Exception {
		Method welcome = Desk.class.getMethod("welcome", String.class);
		assertThat(MethodOptions.annotated(welcome, DeskService.class, RpcMethodLookup.standard()))
			.isEqualTo(new MethodOptions("welcomeBack", false, true, 0, false));
		assertThat(MethodOptions.annotated(welcome, Desk.class, RpcMethodLookup.standard()))
			.isEqualTo(new MethodOptions("welcome", false, false, 0, false));
	}

	@Test
	void explicitMethodOptionsReplaceTheAnnotations() {
		ServiceDefinition definition = ServiceDefinition.builder(this.service).methodOptions((method) -> null).build();
		assertThat(definition.methods()).extracting(ServiceDefinition.Entry::options)
			.containsOnly(MethodOptions.DEFAULT);
	}

	@Test
	void nameOnTheSharedInterfaceAndTheImplementationIsUsedByServerAndClient() {
		Desk desk = deskClient(startServer("127.0.0.1"));
		assertThat(desk.hello("Ada")).isEqualTo("Hello, Ada");
		WelcomeClient welcome = this.rpc.client(
				new ClientDefinition(WelcomeClient.class, "Desk", null, RpcFixture.TIMEOUT, null),
				channel(this.server));
		assertThat(welcome.welcome("Ada")).isEqualTo("Welcome back, Ada");
	}

	@Test
	void oneWayCallReturnsWithoutWaitingForTheServer() {
		Desk desk = deskClient(startServer("127.0.0.1"));
		desk.note("first");
		await().atMost(RpcFixture.TIMEOUT).until(() -> this.service.notes.contains("first"));
		assertThat(this.service.notesReturned).as("the server method is still running").isZero();
		this.service.release.countDown();
		await().atMost(RpcFixture.TIMEOUT).until(() -> this.service.notesReturned == 1);
	}

	@Test
	void nonBlockingMethodRunsOnTheIoThreadAndOthersOnWorkers() {
		Desk desk = deskClient(startServer("127.0.0.1"));
		assertThat(desk.slow()).isEqualTo(WORKER);
		assertThat(desk.quick()).isNotEqualTo(WORKER);
	}

	@Test
	void timeoutOfTheClientMethodIsItsDeadline() {
		Desk desk = deskClient(startServer("127.0.0.1"));
		assertThatExceptionOfType(RpcException.class).isThrownBy(desk::stall)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
	}

	@Test
	void timeoutAcceptsUnitsAndIsoDurations() throws Exception {
		Function<String, Duration> timeout = (name) -> {
			try {
				return ClientMethodOptions.annotated(Timeouts.class.getMethod(name), RpcMethodLookup.standard())
					.timeout();
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException(ex);
			}
		};
		assertThat(timeout.apply("seconds")).isEqualTo(Duration.ofSeconds(2));
		assertThat(timeout.apply("iso")).isEqualTo(Duration.ofMillis(1500));
		assertThat(timeout.apply("plain")).isEqualTo(Duration.ofMillis(250));
		assertThat(timeout.apply("none")).isNull();
	}

	@Test
	void invalidTimeoutFailsWhenTheProxyIsCreated() {
		RpcChannel channel = this.rpc.channel(RpcAddress.tcp("127.0.0.1", 1), (builder) -> {
		});
		assertThatIllegalStateException()
			.isThrownBy(() -> this.rpc.client(ClientDefinition.of(BadTimeout.class, RpcFixture.TIMEOUT), channel))
			.withMessageContaining("@RpcMethod(timeout = \"soon\")")
			.withMessageContaining("BadTimeout.call()");
	}

	@Test
	void maxConcurrencyRefusesTheCallOverTheLimit() throws Exception {
		Desk desk = deskClient(startServer("127.0.0.1"));
		CompletableFuture<String> first = desk.hold();
		assertThat(this.service.holding.await(10, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> desk.hold().get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(RpcException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED));
		this.service.release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("held");
	}

	@Test
	void localOnlyMethodAnswersLoopbackCallers() {
		Desk desk = deskClient(startServer("0.0.0.0"));
		assertThat(desk.admin()).isEqualTo("admin");
	}

	@Test
	void localOnlyMethodRefusesCallersFromAnotherHostAddress() throws SocketException {
		InetAddress external = nonLoopbackAddress();
		assumeThat(external).as("a non-loopback IPv4 address on this machine").isNotNull();
		startServer("0.0.0.0");
		Desk desk = this.rpc.client(Desk.class,
				this.rpc.channel(RpcAddress.tcp(external.getHostAddress(), this.server.port()), (builder) -> {
				}));
		assertThatExceptionOfType(RpcException.class).isThrownBy(desk::admin)
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED));
		assertThat(desk.hello("Ada")).as("other methods answer").isEqualTo("Hello, Ada");
	}

	@Test
	void standardLookupFindsTheAnnotationOfAnOverriddenMethod() throws Exception {
		Method redeclared = DeskClient.class.getMethod("hello", String.class);
		assertThat(redeclared.getDeclaringClass()).isEqualTo(DeskClient.class);
		assertThat(RpcMethodLookup.standard().find(redeclared)).isNotNull()
			.extracting(RpcMethod::name)
			.isEqualTo("greet");
		assertThat(RpcMethodLookup.standard().find(Desk.class.getMethod("slow"))).isNull();
	}

	private RpcServer server;

	private RpcServer startServer(String host) {
		ExecutorService workers = Executors.newFixedThreadPool(4, (task) -> new Thread(task, WORKER));
		this.rpc.onClose(workers::shutdownNow);
		this.server = this.rpc.server(RpcAddress.tcp(host, 0), (builder) -> builder.executor(workers),
				ServiceDefinition.builder(this.service).build());
		return this.server;
	}

	private RpcChannel channel(RpcServer server) {
		return this.rpc.channel(RpcFixture.address(server), (builder) -> {
		});
	}

	private Desk deskClient(RpcServer server) {
		return this.rpc.client(Desk.class, channel(server));
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

	/**
	 * The interface shared by server and client.
	 */
	public interface Desk {

		@RpcMethod(name = "greet")
		String hello(String name);

		@RpcMethod(name = "welcome")
		String welcome(String name);

		@RpcMethod(oneWay = true)
		void note(String text);

		@RpcMethod(nonBlocking = true)
		String quick();

		String slow();

		@RpcMethod(maxConcurrency = 1)
		CompletableFuture<String> hold();

		@RpcMethod(timeout = "300ms")
		String stall();

		@RpcMethod(localOnly = true)
		String admin();

	}

	/**
	 * A client of the method the implementation renamed.
	 */
	public interface WelcomeClient {

		@RpcMethod(name = "welcomeBack")
		String welcome(String name);

	}

	/**
	 * A client interface that redeclares a shared method without the annotation.
	 */
	public interface DeskClient extends Desk {

		@Override
		String hello(String name);

	}

	/**
	 * Timeouts in the accepted formats.
	 */
	public interface Timeouts {

		@RpcMethod(timeout = "2s")
		String seconds();

		@RpcMethod(timeout = "PT1.5S")
		String iso();

		@RpcMethod(timeout = "250")
		String plain();

		@RpcMethod(name = "other")
		String none();

	}

	/**
	 * A timeout that is not a duration.
	 */
	public interface BadTimeout {

		@RpcMethod(timeout = "soon")
		String call();

	}

	static class DeskService implements Desk {

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch holding = new CountDownLatch(1);

		final List<String> notes = new CopyOnWriteArrayList<>();

		volatile int notesReturned;

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		@RpcMethod(name = "welcomeBack", nonBlocking = true)
		public String welcome(String name) {
			return "Welcome back, " + name;
		}

		@Override
		public void note(String text) {
			this.notes.add(text);
			awaitRelease();
			this.notesReturned++;
		}

		@Override
		public String quick() {
			return Thread.currentThread().getName();
		}

		@Override
		public String slow() {
			return Thread.currentThread().getName();
		}

		@Override
		public CompletableFuture<String> hold() {
			this.holding.countDown();
			awaitRelease();
			return CompletableFuture.completedFuture("held");
		}

		@Override
		public String stall() {
			awaitRelease();
			return "late";
		}

		@Override
		public String admin() {
			return "admin";
		}

		private void awaitRelease() {
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
