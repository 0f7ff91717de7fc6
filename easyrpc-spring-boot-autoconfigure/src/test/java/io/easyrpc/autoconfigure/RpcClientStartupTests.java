package io.easyrpc.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.Reflection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code easyrpc.client.warm-up.*}: channels connect and call the server's reflection
 * method while the client context starts, and an unreachable target is logged without
 * failing start-up. {@code verify-on-start}: clients are checked against the server's
 * reflection, with a warning or a failed start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class RpcClientStartupTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(EchoService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(EchoClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	@Test
	void whenWarmUpIsEnabledThenStartUpConnectsAndMakesTheReflectionCalls(CapturedOutput output) {
		AtomicInteger reflectionCalls = new AtomicInteger();
		ServerCallObserver counting = (call) -> {
			if (call.methodKey().equals(Reflection.DESCRIBE_KEY)) {
				reflectionCalls.incrementAndGet();
			}
			return null;
		};
		this.serverRunner.withBean(ServerCallObserver.class, () -> counting).run((server) -> {
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server),
						"easyrpc.client.warm-up.enabled=true", "easyrpc.client.warm-up.calls=3")
				.run((client) -> {
					assertThat(client).hasNotFailed();
					RpcChannel channel = client.getBean(RpcClientFactory.class).targets().get(0).channel();
					assertThat(channel.state()).isEqualTo(RpcChannel.State.READY);
					assertThat(reflectionCalls).hasValue(3);
					assertThat(output).contains("Warmed up 1 of 1 easyrpc client channel(s)");
					assertThat(client.getBean(EchoClient.class).echo("warm")).isEqualTo("warm");
				});
		});
	}

	@Test
	void whenWarmUpIsNotEnabledThenNothingConnectsAtStartUp() {
		this.serverRunner.run((server) -> this.clientRunner
			.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server))
			.run((client) -> {
				RpcChannel channel = client.getBean(RpcClientFactory.class).targets().get(0).channel();
				assertThat(channel.state()).isEqualTo(RpcChannel.State.IDLE);
			}));
	}

	@Test
	void whenATargetCannotBeReachedThenStartUpLogsItAndGoesOn(CapturedOutput output) throws IOException {
		String address = unreachableAddress();
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.echo.address=" + address, "easyrpc.client.warm-up.enabled=true")
			.run((client) -> {
				assertThat(client).hasNotFailed();
				assertThat(output).contains("Warm-up of easyrpc target echo (" + address + ") failed")
					.contains("its calls will connect on demand")
					.contains("Warmed up 0 of 1 easyrpc client channel(s)");
			});
	}

	@Test
	void whenWarmUpCallsAreNegativeThenStartUpFailsNamingTheProperty() {
		this.clientRunner.withPropertyValues("easyrpc.client.warm-up.calls=-1").run((client) -> {
			assertThat(client).hasFailed();
			assertThat(client.getStartupFailure()).rootCause().hasMessageContaining("easyrpc.client.warm-up.calls");
		});
	}

	@Test
	void whenVerifyingAMatchingClientThenStartUpSaysNothing(CapturedOutput output) {
		this.serverRunner.run(
				(server) -> this.clientRunner
					.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server),
							"easyrpc.client.verify-on-start=fail")
					.run((client) -> {
						assertThat(client).hasNotFailed();
						assertThat(output).doesNotContain("does not match");
					}));
	}

	@Test
	void whenTheServerLacksAMethodOrTakesOtherParametersThenVerifyWarns(CapturedOutput output) {
		this.serverRunner.run((server) -> this.clientRunner.withUserConfiguration(NewerEchoClientConfiguration.class)
			.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server),
					"easyrpc.client.targets.echo.verify-on-start=warn")
			.run((client) -> {
				assertThat(client).hasNotFailed();
				assertThat(output)
					.contains("Client " + NewerEchoClient.class.getName()
							+ " (easyrpc target echo) does not match its server at tcp://127.0.0.1:" + port(server))
					.contains("Echo.echo takes 1 parameter(s) on the server but the client sends 2")
					.contains("the server has no method Echo.goodbye");
			}));
	}

	@Test
	void whenTheServerLacksAMethodAndVerifyFailsThenStartUpFailsWithAnAnalysis() {
		this.serverRunner.run((server) -> this.clientRunner.withUserConfiguration(NewerEchoClientConfiguration.class)
			.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server),
					"easyrpc.client.verify-on-start=fail")
			.run((client) -> {
				assertThat(client).hasFailed();
				RpcClientVerificationException failure = findCause(client.getStartupFailure());
				assertThat(failure.getProblems()).hasSize(1);
				assertThat(failure.getMessage()).contains("the server has no method Echo.goodbye");
				FailureAnalysis analysis = new RpcClientVerificationFailureAnalyzer()
					.analyze(client.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Echo.goodbye");
				assertThat(analysis.getAction()).contains("easyrpc.client.verify-on-start");
			}));
	}

	@Test
	void whenTheServerCannotBeAskedThenWarnLogsAndFailFails(CapturedOutput output) throws IOException {
		String address = unreachableAddress();
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.echo.address=" + address, "easyrpc.client.verify-on-start=warn")
			.run((client) -> {
				assertThat(client).hasNotFailed();
				assertThat(output).contains("Client " + EchoClient.class.getName()
						+ " (easyrpc target echo) could not be verified against " + address + ": UNAVAILABLE");
			});
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.echo.address=" + address, "easyrpc.client.verify-on-start=fail")
			.run((client) -> assertThat(client).hasFailed());
	}

	@Test
	void whenATargetHasNoClientAtStartUpThenVerifyReportsIt(CapturedOutput output) {
		this.serverRunner.run(
				(server) -> this.clientRunner
					.withPropertyValues("easyrpc.client.targets.echo.address=tcp://127.0.0.1:" + port(server),
							"easyrpc.client.targets.unused.address=tcp://127.0.0.1:" + port(server),
							"easyrpc.client.targets.unused.verify-on-start=warn")
					.run((client) -> {
						assertThat(client).hasNotFailed();
						assertThat(output)
							.contains("easyrpc target unused was not verified: no client of it was created");
					}));
	}

	private static RpcClientVerificationException findCause(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof RpcClientVerificationException)) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(RpcClientVerificationException.class);
		return (RpcClientVerificationException) cause;
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	private static String unreachableAddress() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "tcp://127.0.0.1:" + socket.getLocalPort();
		}
	}

	public interface Echo {

		String echo(String text);

	}

	@RpcClient(target = "echo")
	public interface EchoClient extends Echo {

	}

	@RpcService
	static class EchoService implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = EchoClient.class)
	static class EchoClientConfiguration {

	}

	/**
	 * A client written against a newer version of the service: a parameter more and a
	 * method more.
	 */
	@RpcClient(target = "echo", service = "Echo")
	public interface NewerEchoClient {

		String echo(String text, int times);

		String goodbye(String name);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = NewerEchoClient.class)
	static class NewerEchoClientConfiguration {

	}

}
