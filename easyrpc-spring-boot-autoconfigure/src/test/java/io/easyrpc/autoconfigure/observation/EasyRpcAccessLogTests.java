package io.easyrpc.autoconfigure.observation;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.AccessLogObserver;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The access log ({@code easyrpc.server.access-log}) and the server's other log lines,
 * captured from real calls.
 */
@ExtendWith(OutputCaptureExtension.class)
class EasyRpcAccessLogTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private static final String PEER = "/127\\.0\\.0\\.1:\\d+";

	private static final String DURATION = "\\d+\\.\\d{3} ms";

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(CounterService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(CounterClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenAccessLogIsEnabledThenEveryCallIsLoggedOnce(CapturedOutput output) {
		withServerAndClient(true, (client) -> {
			CounterClient counter = client.getBean(CounterClient.class);
			assertThat(counter.next("a")).isEqualTo(1);
			assertThat(counter.next("b")).isEqualTo(1);
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.getBean(MissingClient.class).reset());
			counter.ping("c");
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("Counter.ping"));
		});
		assertThat(count(output, AccessLogObserver.LOGGER_NAME + ".*Counter\\.next " + PEER + " OK " + DURATION))
			.isEqualTo(2);
		assertThat(
				count(output, AccessLogObserver.LOGGER_NAME + ".*Counter\\.reset " + PEER + " NOT_FOUND " + DURATION))
			.isOne();
		assertThat(count(output,
				AccessLogObserver.LOGGER_NAME + ".*Counter\\.ping " + PEER + " OK " + DURATION + " one-way"))
			.isOne();
		assertThat(output.getOut()).containsPattern("INFO.*" + AccessLogObserver.LOGGER_NAME);
	}

	@Test
	void whenAccessLogIsOffThenNoCallIsLogged(CapturedOutput output) {
		withServerAndClient(false, (client) -> {
			client.getBean(CounterClient.class).next("a");
			assertThatExceptionOfType(RpcException.class).isThrownBy(() -> client.getBean(MissingClient.class).reset());
		});
		assertThat(output.getOut()).doesNotContain(AccessLogObserver.LOGGER_NAME);
	}

	@Test
	void whenMethodThrowsUnexpectedlyThenItIsLoggedOnceWithTheMethodKey() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Counter.next threw an unexpected exception");
		withServerAndClient(false, (client) -> assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> client.getBean(CounterClient.class).next("")));
		// the server may log it just after the client has its answer
		await().untilAsserted(() -> assertThat(this.logs.captured()).singleElement()
			.asString()
			.startsWith("WARN " + RpcServer.class.getName() + " - easyrpc method Counter.next threw")
			.contains("java.lang.IllegalArgumentException: name must not be empty"));
	}

	@Test
	void whenMethodThrowsDeclaredExceptionThenNoWarningIsLogged(CapturedOutput output) {
		withServerAndClient(false, (client) -> assertThatExceptionOfType(CounterFullException.class)
			.isThrownBy(() -> client.getBean(CounterClient.class).add("a", 1000)));
		assertThat(output.getOut()).doesNotContain("threw an unexpected exception");
	}

	@Test
	void whenServerStartsThenPortAndServicesAreLogged(CapturedOutput output) {
		this.serverRunner.run((server) -> assertThat(output.getOut())
			.contains("easyrpc server started on port " + port(server) + " serving 1 service(s) with 3 method(s)"));
	}

	private void withServerAndClient(boolean accessLog, ContextConsumer<AssertableApplicationContext> test) {
		this.serverRunner.withPropertyValues("easyrpc.server.access-log=" + accessLog)
			.run((server) -> this.clientRunner
				.withPropertyValues("easyrpc.client.targets.counter.address=tcp://127.0.0.1:" + port(server))
				.run(test));
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	private static int count(CapturedOutput output, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(output.getOut());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	public static class CounterFullException extends Exception {

		private static final long serialVersionUID = 1L;

		public CounterFullException(String message) {
			super(message);
		}

	}

	public interface Counter {

		int next(String name);

		int add(String name, int amount) throws CounterFullException;

		@RpcMethod(oneWay = true)
		void ping(String name);

	}

	@RpcClient(target = "counter")
	public interface CounterClient extends Counter {

	}

	@RpcClient(target = "counter", service = "Counter")
	public interface MissingClient {

		void reset();

	}

	@RpcService
	static class CounterService implements Counter {

		@Override
		public int next(String name) {
			if (name.isEmpty()) {
				throw new IllegalArgumentException("name must not be empty");
			}
			return 1;
		}

		@Override
		public int add(String name, int amount) throws CounterFullException {
			throw new CounterFullException(name + " cannot take " + amount);
		}

		@Override
		public void ping(String name) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = { CounterClient.class, MissingClient.class })
	static class CounterClients {

	}

}
