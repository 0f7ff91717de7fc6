package io.easyrpc.autoconfigure.observation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Real calls between a server context and a client context, each with Spring Boot's
 * observation and metrics auto-configuration: the timers both sides record, per status.
 */
class EasyRpcObservationTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final AutoConfigurations OBSERVABILITY = AutoConfigurations.of(JacksonAutoConfiguration.class,
			ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
			EasyRpcCodecAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class);

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(OBSERVABILITY)
		.withConfiguration(AutoConfigurations.of(EasyRpcServerAutoConfiguration.class))
		.withBean(LedgerService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(OBSERVABILITY)
		.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(LedgerClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenCallSucceedsThenBothSidesRecordATimerTaggedOk() {
		withServerAndClient((server, client) -> {
			assertThat(client.getBean(LedgerClient.class).balance("ada")).isEqualTo("ada: 42");
			Timer serverTimer = timer(server, DefaultEasyRpcServerObservationConvention.NAME, "balance", "OK");
			Timer clientTimer = timer(client, DefaultEasyRpcClientObservationConvention.NAME, "balance", "OK");
			assertThat(serverTimer.count()).isOne();
			assertThat(clientTimer.count()).isOne();
			for (Timer timer : List.of(serverTimer, clientTimer)) {
				assertThat(timer.getId().getTags()).contains(Tag.of("rpc.system", "easyrpc"),
						Tag.of("rpc.service", "Ledger"), Tag.of("rpc.method", "balance"), Tag.of("rpc.type", "unary"),
						Tag.of("rpc.status", "OK"), Tag.of("rpc.transport", "tcp"));
				assertThat(timer.getId().getTags()).extracting(Tag::getKey).doesNotContain("network.peer.address");
			}
		});
	}

	@Test
	void whenCallsRepeatThenTheTimersCountEveryCall() {
		withServerAndClient((server, client) -> {
			LedgerClient ledger = client.getBean(LedgerClient.class);
			for (int i = 0; i < 5; i++) {
				ledger.balance("call-" + i);
			}
			assertThat(timer(server, DefaultEasyRpcServerObservationConvention.NAME, "balance", "OK").count())
				.isEqualTo(5);
			assertThat(timer(client, DefaultEasyRpcClientObservationConvention.NAME, "balance", "OK").count())
				.isEqualTo(5);
		});
	}

	@Test
	void whenMethodThrowsThenBothSidesRecordApplicationError() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Ledger.close threw an unexpected exception");
		withServerAndClient((server, client) -> {
			// A java.lang exception is re-created on the client.
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> client.getBean(LedgerClient.class).close("ada"))
				.withCauseInstanceOf(RpcException.class)
				.satisfies((ex) -> assertThat(((RpcException) ex.getCause()).getStatus())
					.isEqualTo(RpcStatus.APPLICATION_ERROR));
			assertThat(
					timer(server, DefaultEasyRpcServerObservationConvention.NAME, "close", "APPLICATION_ERROR").count())
				.isOne();
			Timer clientTimer = timer(client, DefaultEasyRpcClientObservationConvention.NAME, "close",
					"APPLICATION_ERROR");
			assertThat(clientTimer.count()).isOne();
			// Both sides tag the exception the code on that side sees.
			assertThat(clientTimer.getId().getTag("error")).isEqualTo(IllegalStateException.class.getSimpleName());
			assertThat(
					timer(server, DefaultEasyRpcServerObservationConvention.NAME, "close", "APPLICATION_ERROR").getId()
						.getTag("error"))
				.isEqualTo(IllegalStateException.class.getSimpleName());
		});
	}

	@Test
	void whenServerLacksTheMethodThenBothSidesRecordNotFound() {
		withServerAndClient((server, client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(MismatchedLedgerClient.class).refund("ada"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.NOT_FOUND));
			Timer serverTimer = timer(server, DefaultEasyRpcServerObservationConvention.NAME, "refund", "NOT_FOUND");
			assertThat(serverTimer.count()).isOne();
			assertThat(serverTimer.getId().getTag("rpc.service")).isEqualTo("Ledger");
			assertThat(timer(client, DefaultEasyRpcClientObservationConvention.NAME, "refund", "NOT_FOUND").count())
				.isOne();
		});
	}

	@Test
	void whenArgumentsDoNotFitThenBothSidesRecordInvalidArgument() {
		withServerAndClient((server, client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(MismatchedLedgerClient.class).deposit(10, "extra"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.INVALID_ARGUMENT));
			assertThat(timer(server, DefaultEasyRpcServerObservationConvention.NAME, "deposit", "INVALID_ARGUMENT")
				.count()).isOne();
			assertThat(timer(client, DefaultEasyRpcClientObservationConvention.NAME, "deposit", "INVALID_ARGUMENT")
				.count()).isOne();
		});
	}

	@Test
	void whenDeadlinePassesThenBothSidesRecordDeadlineExceeded() {
		withServerAndClient((server, client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(LedgerClient.class).reconcile())
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED));
			assertThat(timer(client, DefaultEasyRpcClientObservationConvention.NAME, "reconcile", "DEADLINE_EXCEEDED")
				.count()).isOne();
			// The server learns of the deadline when the client cancels; its method then
			// returns and the call is recorded.
			assertThat(
					awaitTimer(server, DefaultEasyRpcServerObservationConvention.NAME, "reconcile", "DEADLINE_EXCEEDED")
						.count())
				.isOne();
		});
	}

	@Test
	void whenNoServerListensThenClientRecordsUnavailable() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		this.clientRunner.withPropertyValues("easyrpc.client.targets.ledger.address=tcp://127.0.0.1:" + port)
			.run((client) -> {
				assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(LedgerClient.class).balance("ada"))
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
				Timer timer = timer(client, DefaultEasyRpcClientObservationConvention.NAME, "balance", "UNAVAILABLE");
				assertThat(timer.count()).isOne();
				assertThat(timer.getId().getTag("error")).isEqualTo(RpcException.class.getSimpleName());
			});
	}

	@Test
	void whenNotificationIsServedThenServerRecordsOneWayCall() {
		withServerAndClient((server, client) -> {
			client.getBean(LedgerClient.class).note("hello");
			assertThat(awaitTimer(server, DefaultEasyRpcServerObservationConvention.NAME, "note", "OK").getId()
				.getTag("rpc.type")).isEqualTo("one_way");
			assertThat(timer(client, DefaultEasyRpcClientObservationConvention.NAME, "note", "OK").getId()
				.getTag("rpc.type")).isEqualTo("one_way");
		});
	}

	@Test
	void whenObservationIsDisabledThenNoTimerIsRecorded() {
		withServerAndClient(new String[] { "easyrpc.observation.enabled=false" }, (server, client) -> {
			assertThat(client.getBean(LedgerClient.class).balance("ada")).isEqualTo("ada: 42");
			assertThat(
					server.getBean(MeterRegistry.class).find(DefaultEasyRpcServerObservationConvention.NAME).meters())
				.isEmpty();
			assertThat(
					client.getBean(MeterRegistry.class).find(DefaultEasyRpcClientObservationConvention.NAME).meters())
				.isEmpty();
		});
	}

	@Test
	void whenObservationsAreFilteredByBootPropertyThenNoTimerIsRecorded() {
		withServerAndClient(new String[] { "management.observations.enable.easyrpc=false" }, (server, client) -> {
			assertThat(client.getBean(LedgerClient.class).balance("ada")).isEqualTo("ada: 42");
			assertThat(
					server.getBean(MeterRegistry.class).find(DefaultEasyRpcServerObservationConvention.NAME).meters())
				.isEmpty();
			assertThat(
					client.getBean(MeterRegistry.class).find(DefaultEasyRpcClientObservationConvention.NAME).meters())
				.isEmpty();
		});
	}

	@Test
	void whenConventionBeansAreDefinedThenTheyNameTheObservations() {
		this.serverRunner.withBean(EasyRpcServerObservationConvention.class, RenamedServerConvention::new)
			.run((server) -> this.clientRunner
				.withBean(EasyRpcClientObservationConvention.class, RenamedClientConvention::new)
				.withPropertyValues("easyrpc.client.targets.ledger.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					client.getBean(LedgerClient.class).balance("ada");
					assertThat(server.getBean(MeterRegistry.class)
						.get("ledger.served")
						.tag("rpc.method", "balance")
						.tag("side", "server")
						.timer()
						.count()).isOne();
					assertThat(client.getBean(MeterRegistry.class)
						.get("ledger.called")
						.tag("rpc.method", "balance")
						.tag("side", "client")
						.timer()
						.count()).isOne();
					assertThat(server.getBean(MeterRegistry.class)
						.find(DefaultEasyRpcServerObservationConvention.NAME)
						.meters()).isEmpty();
					assertThat(client.getBean(MeterRegistry.class)
						.find(DefaultEasyRpcClientObservationConvention.NAME)
						.meters()).isEmpty();
				}));
	}

	@Test
	void whenCallIsObservedThenContextualNameIsTheMethodKeyAndPeerIsHighCardinality() {
		RecordingHandler serverHandler = new RecordingHandler();
		RecordingHandler clientHandler = new RecordingHandler();
		this.serverRunner.withBean("recordingHandler", RecordingHandler.class, () -> serverHandler)
			.run((server) -> this.clientRunner.withBean("recordingHandler", RecordingHandler.class, () -> clientHandler)
				.withPropertyValues("easyrpc.client.targets.ledger.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					client.getBean(LedgerClient.class).balance("ada");
					assertThat(clientHandler.stopped).singleElement().satisfies((context) -> {
						assertThat(context).isInstanceOf(EasyRpcClientContext.class);
						assertThat(context.getName()).isEqualTo("easyrpc.client.requests");
						assertThat(context.getContextualName()).isEqualTo("Ledger.balance");
						assertThat(context.getHighCardinalityKeyValue("network.peer.address"))
							.isEqualTo(KeyValue.of("network.peer.address", "tcp://127.0.0.1:" + port(server)));
						assertThat(((EasyRpcClientContext) context).getStatus()).isEqualTo(RpcStatus.OK);
					});
					assertThat(serverHandler.stopped).singleElement().satisfies((context) -> {
						assertThat(context).isInstanceOf(EasyRpcServerContext.class);
						assertThat(context.getName()).isEqualTo("easyrpc.server.requests");
						assertThat(context.getContextualName()).isEqualTo("Ledger.balance");
						assertThat(context.getHighCardinalityKeyValue("network.peer.address").getValue())
							.contains("127.0.0.1:");
						assertThat(((EasyRpcServerContext) context).getRemoteServiceAddress())
							.startsWith("tcp://127.0.0.1:");
					});
				}));
	}

	@Test
	void whenMethodRunsThenServerObservationIsCurrent() {
		withServerAndClient((server, client) -> {
			assertThat(client.getBean(LedgerClient.class).currentObservation()).isEqualTo("easyrpc.server.requests");
		});
	}

	private void withServerAndClient(ServerAndClient test) {
		withServerAndClient(new String[0], test);
	}

	private void withServerAndClient(String[] properties, ServerAndClient test) {
		this.serverRunner.withPropertyValues(properties).run((server) -> {
			assertThat(server).hasNotFailed();
			this.clientRunner.withPropertyValues(properties)
				.withPropertyValues("easyrpc.client.targets.ledger.address=tcp://127.0.0.1:" + port(server),
						"easyrpc.client.targets.ledger.method-timeouts.reconcile=200ms")
				.run((client) -> {
					assertThat(client).hasNotFailed();
					test.accept(server, client);
				});
		});
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	private static Timer timer(AssertableApplicationContext context, String name, String method, String status) {
		return context.getBean(MeterRegistry.class)
			.get(name)
			.tag("rpc.method", method)
			.tag("rpc.status", status)
			.timer();
	}

	private static Timer awaitTimer(AssertableApplicationContext context, String name, String method, String status) {
		return await().atMost(Duration.ofSeconds(10))
			.ignoreExceptionsInstanceOf(MeterNotFoundException.class)
			.until(() -> timer(context, name, method, status), (timer) -> timer.count() > 0);
	}

	@FunctionalInterface
	interface ServerAndClient {

		void accept(AssertableApplicationContext server, AssertableApplicationContext client) throws Exception;

	}

	public interface Ledger {

		String balance(String account);

		void close(String account);

		int deposit(int amount);

		String reconcile();

		@RpcMethod(oneWay = true)
		void note(String text);

		String currentObservation();

	}

	@RpcClient(target = "ledger")
	public interface LedgerClient extends Ledger {

	}

	/**
	 * Calls the server's {@code Ledger} with methods it does not have or with the wrong
	 * arguments.
	 */
	@RpcClient(target = "ledger", service = "Ledger")
	public interface MismatchedLedgerClient {

		String refund(String account);

		int deposit(int amount, String note);

	}

	@RpcService
	static class LedgerService implements Ledger {

		private final List<String> notes = new CopyOnWriteArrayList<>();

		private final ObservationRegistry registry;

		LedgerService(ObservationRegistry registry) {
			this.registry = registry;
		}

		@Override
		public String balance(String account) {
			return account + ": 42";
		}

		@Override
		public void close(String account) {
			throw new IllegalStateException(account + " cannot be closed");
		}

		@Override
		public int deposit(int amount) {
			return amount;
		}

		@Override
		public String reconcile() {
			RpcContext context = RpcContext.current();
			try {
				await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(5)).until(context::isCancelled);
			}
			catch (ConditionTimeoutException ex) {
				// answered anyway; the test expects the cancellation
			}
			return "reconciled";
		}

		@Override
		public void note(String text) {
			this.notes.add(text);
		}

		@Override
		public String currentObservation() {
			Observation current = this.registry.getCurrentObservation();
			return (current != null) ? current.getContext().getName() : "none";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = { LedgerClient.class, MismatchedLedgerClient.class })
	static class LedgerClients {

	}

	static class RenamedServerConvention extends DefaultEasyRpcServerObservationConvention {

		@Override
		public String getName() {
			return "ledger.served";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(EasyRpcServerContext context) {
			return super.getLowCardinalityKeyValues(context).and("side", "server");
		}

	}

	static class RenamedClientConvention extends DefaultEasyRpcClientObservationConvention {

		@Override
		public String getName() {
			return "ledger.called";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(EasyRpcClientContext context) {
			return super.getLowCardinalityKeyValues(context).and("side", "client");
		}

	}

	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof EasyRpcServerContext || context instanceof EasyRpcClientContext;
		}

	}

}
