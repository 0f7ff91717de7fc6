package io.easyrpc.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.it.TestPki;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * TLS between auto-configured servers and clients, set up with Spring Boot SSL bundles
 * over PEM files that the test writes.
 */
class EasyRpcSslTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private static final TestPki PKI = TestPki.create("bundles");

	private static final TestPki OTHER_PKI = TestPki.create("renewed");

	@TempDir
	Path directory;

	private Path main;

	private Path other;

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SslAutoConfiguration.class,
				EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(GreeterService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SslAutoConfiguration.class,
				EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(ClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@BeforeEach
	void writeCertificates() throws IOException {
		this.main = this.directory.resolve("main");
		this.other = this.directory.resolve("other");
		PKI.writePem(this.main);
		OTHER_PKI.writePem(this.other);
	}

	@Test
	void whenServerAndTargetNameBundlesThenCallsGoOverTls() {
		this.serverRunner.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server")
			.run((server) -> {
				assertThat(server).hasNotFailed();
				assertThat(server.getBean(RpcServer.class).isTls()).isTrue();
				this.clientRunner.withPropertyValues(trustBundle("client", this.main))
					.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client")
					.run((client) -> {
						assertThat(client).hasNotFailed();
						assertThat(client.getBean(GreeterClient.class).hello("Ada")).isEqualTo("Hello, Ada");
						assertThat(client.getBean(RpcClientFactory.class).targets()).singleElement()
							.satisfies((target) -> {
								assertThat(target.address()).isEqualTo("tcp://127.0.0.1:" + port(server));
								assertThat(target.channel().isTls()).isTrue();
							});
					});
			});
	}

	@Test
	void whenDefaultClientBundleIsSetThenTargetsUseIt() {
		this.serverRunner.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server")
			.run((server) -> this.clientRunner.withPropertyValues(trustBundle("client", this.main))
				.withPropertyValues(target("greeter", server), "easyrpc.client.ssl.bundle=client")
				.run((client) -> assertThat(client.getBean(GreeterClient.class).hello("Bo")).isEqualTo("Hello, Bo")));
	}

	@Test
	void whenTargetDisablesSslThenItConnectsWithoutTlsDespiteDefaultBundle() {
		this.serverRunner.run((server) -> this.clientRunner.withPropertyValues(trustBundle("client", this.main))
			.withPropertyValues(target("greeter", server), "easyrpc.client.ssl.bundle=client",
					"easyrpc.client.targets.greeter.ssl.enabled=false")
			.run((client) -> {
				assertThat(client.getBean(GreeterClient.class).hello("Cy")).isEqualTo("Hello, Cy");
				assertThat(client.getBean(RpcClientFactory.class).targets().get(0).channel().isTls()).isFalse();
			}));
	}

	@Test
	void whenClientTrustsAnotherAuthorityThenCallsFailWithUnavailable() {
		this.serverRunner.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server")
			.run((server) -> this.clientRunner.withPropertyValues(trustBundle("client", this.other))
				.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client")
				.run((client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(GreeterClient.class).hello("Di"))
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
					.withMessageContaining("TLS handshake")));
	}

	@Test
	void whenClientAuthIsNeedThenOnlyClientsWithCertificatesConnect() {
		this.serverRunner.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server", "easyrpc.server.ssl.client-auth=need")
			.run((server) -> {
				assertThat(server).hasNotFailed();
				this.clientRunner.withPropertyValues(clientBundle("client", this.main))
					.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client")
					.run((client) -> assertThat(client.getBean(GreeterClient.class).hello("Ed"))
						.isEqualTo("Hello, Ed"));
				this.clientRunner.withPropertyValues(trustBundle("client", this.main))
					.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client")
					.run((client) -> assertThatExceptionOfType(RpcException.class)
						.isThrownBy(() -> client.getBean(GreeterClient.class).hello("Flo"))
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE))
						.withMessageContaining("TLS handshake"));
			});
	}

	@Test
	void whenServerNameIsSetThenTheCertificateMustListIt() {
		this.serverRunner.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server")
			.run((server) -> {
				this.clientRunner.withPropertyValues(trustBundle("client", this.main))
					.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client",
							"easyrpc.client.targets.greeter.ssl.server-name=localhost")
					.run((client) -> assertThat(client.getBean(GreeterClient.class).hello("Gus"))
						.isEqualTo("Hello, Gus"));
				this.clientRunner.withPropertyValues(trustBundle("client", this.main))
					.withPropertyValues(target("greeter", server), "easyrpc.client.targets.greeter.ssl.bundle=client",
							"easyrpc.client.targets.greeter.ssl.server-name=rpc.example.org")
					.run((client) -> assertThatExceptionOfType(RpcException.class)
						.isThrownBy(() -> client.getBean(GreeterClient.class).hello("Hal"))
						.withMessageContaining("rpc.example.org"));
			});
	}

	@Test
	void whenServerBundleIsUnknownThenStartupFailsNamingTheProperty() {
		this.serverRunner.withPropertyValues("easyrpc.server.ssl.bundle=missing")
			.run((server) -> assertThat(startupFailure(server))
				.hasMessageContaining("easyrpc.server.ssl.bundle names SSL bundle 'missing', which is not defined"));
	}

	@Test
	void whenTargetBundleIsUnknownThenStartupFailsNamingTheProperty() {
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:1",
					"easyrpc.client.targets.greeter.ssl.bundle=missing")
			.run((client) -> assertThat(startupFailure(client)).hasMessageContaining(
					"easyrpc.client.targets.greeter.ssl.bundle names SSL bundle 'missing', which is not defined"));
	}

	@Test
	void whenDefaultClientBundleIsUnknownThenStartupFailsNamingTheProperty() {
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.greeter.address=tcp://127.0.0.1:1",
					"easyrpc.client.ssl.bundle=absent")
			.run((client) -> assertThat(startupFailure(client))
				.hasMessageContaining("easyrpc.client.ssl.bundle names SSL bundle 'absent', which is not defined"));
	}

	@Test
	void whenServerBundleHasNoKeyStoreThenStartupFails() {
		this.serverRunner.withPropertyValues(trustBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server")
			.run((server) -> assertThat(startupFailure(server)).hasMessageContaining("has no key store"));
	}

	@Test
	void whenClientAuthIsSetWithoutBundleThenStartupFails() {
		this.serverRunner.withPropertyValues("easyrpc.server.ssl.client-auth=need")
			.run((server) -> assertThat(startupFailure(server))
				.hasMessageContaining("easyrpc.server.ssl.client-auth=need needs TLS"));
	}

	@Test
	void whenClientAuthIsSetWithoutTrustStoreThenStartupFails() {
		this.serverRunner
			.withPropertyValues("spring.ssl.bundle.pem.server.keystore.certificate=" + file(this.main, "server.crt"),
					"spring.ssl.bundle.pem.server.keystore.private-key=" + file(this.main, "server.key"))
			.withPropertyValues("easyrpc.server.ssl.bundle=server", "easyrpc.server.ssl.client-auth=want")
			.run((server) -> assertThat(startupFailure(server))
				.hasMessageContaining("client-auth=want needs a trust store in SSL bundle 'server'"));
	}

	@Test
	void whenInProcessTargetThenBundleIsIgnored() {
		this.serverRunner.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
			.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues(serverBundle("server", this.main))
			.withPropertyValues("easyrpc.server.ssl.bundle=server", "easyrpc.server.in-process-name=ssl-inproc",
					"easyrpc.client.targets.greeter.address=inproc://ssl-inproc",
					"easyrpc.client.targets.greeter.ssl.bundle=server")
			.run((context) -> {
				assertThat(context.getBean(GreeterClient.class).hello("Ivy")).isEqualTo("Hello, Ivy");
				assertThat(context.getBean(RpcClientFactory.class).targets().get(0).channel().isTls()).isFalse();
			});
	}

	@Test
	void whenBundlesAreReloadedThenNewConnectionsUseTheNewCertificates() throws Exception {
		Path serverFiles = this.directory.resolve("server-files");
		Path clientFiles = this.directory.resolve("client-files");
		PKI.writePem(serverFiles);
		PKI.writePem(clientFiles);
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new GreeterService()).build());
		// A server that only a client trusting the renewed authority can connect to.
		RpcServer renewed = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec)
			.ioThreads(1)
			.sslContext(OTHER_PKI.serverContext())
			.build();
		renewed.start();
		try {
			this.serverRunner.withPropertyValues(serverBundle("server", serverFiles))
				.withPropertyValues("easyrpc.server.ssl.bundle=server",
						"spring.ssl.bundle.pem.server.reload-on-update=true",
						"spring.ssl.bundle.watch.file.quiet-period=50ms")
				.run((server) -> this.clientRunner.withUserConfiguration(RenewedClientConfiguration.class)
					.withPropertyValues(trustBundle("client", clientFiles))
					.withPropertyValues(target("greeter", server), "easyrpc.client.ssl.bundle=client",
							"easyrpc.client.targets.renewed.address=tcp://127.0.0.1:" + renewed.port(),
							"spring.ssl.bundle.pem.client.reload-on-update=true",
							"spring.ssl.bundle.watch.file.quiet-period=50ms",
							"easyrpc.client.reconnect.initial-backoff=10ms",
							"easyrpc.client.reconnect.max-backoff=50ms")
					.run((client) -> {
						GreeterClient greeter = client.getBean(GreeterClient.class);
						RenewedClient renewedClient = client.getBean(RenewedClient.class);
						assertThat(greeter.hello("before")).isEqualTo("Hello, before");
						assertThatExceptionOfType(RpcException.class).isThrownBy(() -> renewedClient.hello("before"))
							.withMessageContaining("TLS handshake");
						copyCertificates(this.other, serverFiles, "server.crt", "server.key");
						copyCertificates(this.other, clientFiles, "ca.crt");
						// Server side: a new client that trusts only the renewed
						// authority gets in.
						try (RpcChannel fresh = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", port(server)))
							.sslContext(OTHER_PKI.clientContext(false))
							.initialBackoff(Duration.ofMillis(10))
							.maxBackoff(Duration.ofMillis(50))
							.build()) {
							Greeter freshGreeter = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
								.createProxy(ClientDefinition.of(Greeter.class, Duration.ofSeconds(5)), fresh);
							await().atMost(Duration.ofSeconds(20))
								.ignoreExceptions()
								.until(() -> freshGreeter.hello("after").equals("Hello, after"));
						}
						// Client side: the client now trusts the renewed authority.
						await().atMost(Duration.ofSeconds(20))
							.ignoreExceptions()
							.until(() -> renewedClient.hello("after").equals("Hello, after"));
						// The connection made before the reload goes on with its
						// certificate.
						assertThat(greeter.hello("still")).isEqualTo("Hello, still");
					}));
		}
		finally {
			renewed.stop(Duration.ZERO);
		}
	}

	private static void copyCertificates(Path from, Path to, String... names) throws IOException {
		for (String name : names) {
			Path temporary = to.resolve(name + ".new");
			Files.copy(from.resolve(name), temporary, StandardCopyOption.REPLACE_EXISTING);
			Files.move(temporary, to.resolve(name), StandardCopyOption.REPLACE_EXISTING,
					StandardCopyOption.ATOMIC_MOVE);
		}
	}

	private static Throwable startupFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		return Stream.iterate(failure, (ex) -> ex != null, Throwable::getCause)
			.filter((ex) -> ex instanceof IllegalStateException)
			.findFirst()
			.orElse(failure);
	}

	private static String[] serverBundle(String name, Path directory) {
		return new String[] {
				"spring.ssl.bundle.pem." + name + ".keystore.certificate=" + file(directory, "server.crt"),
				"spring.ssl.bundle.pem." + name + ".keystore.private-key=" + file(directory, "server.key"),
				"spring.ssl.bundle.pem." + name + ".truststore.certificate=" + file(directory, "ca.crt") };
	}

	private static String[] trustBundle(String name, Path directory) {
		return new String[] {
				"spring.ssl.bundle.pem." + name + ".truststore.certificate=" + file(directory, "ca.crt") };
	}

	private static String[] clientBundle(String name, Path directory) {
		return new String[] {
				"spring.ssl.bundle.pem." + name + ".keystore.certificate=" + file(directory, "client.crt"),
				"spring.ssl.bundle.pem." + name + ".keystore.private-key=" + file(directory, "client.key"),
				"spring.ssl.bundle.pem." + name + ".truststore.certificate=" + file(directory, "ca.crt") };
	}

	private static String file(Path directory, String name) {
		return "file:" + directory.resolve(name).toAbsolutePath();
	}

	private static String target(String name, AssertableApplicationContext server) {
		return "easyrpc.client.targets." + name + ".address=tcp://127.0.0.1:" + port(server);
	}

	private static int port(AssertableApplicationContext server) {
		return Integer.parseInt(server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY));
	}

	public interface Greeter {

		String hello(String name);

	}

	@RpcClient(target = "greeter")
	public interface GreeterClient extends Greeter {

	}

	@RpcClient(target = "renewed")
	public interface RenewedClient extends Greeter {

	}

	@RpcService
	static class GreeterService implements Greeter {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = GreeterClient.class)
	static class ClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = RenewedClient.class)
	static class RenewedClientConfiguration {

	}

}
