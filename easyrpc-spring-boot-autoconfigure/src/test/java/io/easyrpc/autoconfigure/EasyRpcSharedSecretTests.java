package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The shared-secret properties {@code easyrpc.server.auth.*},
 * {@code easyrpc.client.auth.shared-secret} and
 * {@code easyrpc.client.targets.<name>.auth.shared-secret}, between a server context and
 * a client context over a real socket, and within one context in process.
 */
class EasyRpcSharedSecretTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private static final String SECRET = "vault-secret-" + UUID.randomUUID();

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(VaultService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(VaultClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenServerHasNoSecretThenItRequiresNoAuthentication() {
		this.serverRunner.run((server) -> {
			assertThat(server).hasNotFailed();
			RpcServer rpcServer = server.getBean(RpcServer.class);
			assertThat(rpcServer.requiresAuthentication()).isFalse();
			assertThat(rpcServer.authTimeout()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void whenServerSecretIsSetThenServerRequiresAuthenticationWithinTheTimeout() {
		this.serverRunner
			.withPropertyValues("easyrpc.server.auth.shared-secret=" + SECRET, "easyrpc.server.auth.timeout=250ms")
			.run((server) -> {
				assertThat(server).hasNotFailed();
				RpcServer rpcServer = server.getBean(RpcServer.class);
				assertThat(rpcServer.requiresAuthentication()).isTrue();
				assertThat(rpcServer.authTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(server.getBean(EasyRpcServerProperties.class).getAuth().getSharedSecret()).isEqualTo(SECRET);
			});
	}

	@Test
	void whenServerSecretIsBlankThenStartupFailsNamingTheProperty() {
		this.serverRunner.withPropertyValues("easyrpc.server.auth.shared-secret= ").run((server) -> {
			assertThat(server).hasFailed();
			assertThat(server.getStartupFailure()).rootCause()
				.hasMessageContaining("easyrpc.server.auth.shared-secret is set but blank");
		});
	}

	@Test
	void whenClientAndServerShareTheDefaultSecretThenCallsWork() {
		withClient(new String[] { "easyrpc.server.auth.shared-secret=" + SECRET },
				new String[] { "easyrpc.client.auth.shared-secret=" + SECRET },
				(server, client) -> assertThat(client.getBean(VaultClient.class).open("ada"))
					.isEqualTo("opened for ada"));
	}

	@Test
	void whenTargetSecretIsSetThenItReplacesTheDefault() {
		withClient(new String[] { "easyrpc.server.auth.shared-secret=" + SECRET },
				new String[] { "easyrpc.client.auth.shared-secret=wrong-default",
						"easyrpc.client.targets.vault.auth.shared-secret=" + SECRET },
				(server, client) -> assertThat(client.getBean(VaultClient.class).open("ada"))
					.isEqualTo("opened for ada"));
	}

	@Test
	void whenTargetSecretIsWrongThenCallsFailWithUnauthenticatedAndNothingRuns() {
		withClient(new String[] { "easyrpc.server.auth.shared-secret=" + SECRET },
				new String[] { "easyrpc.client.targets.vault.auth.shared-secret=not-" + SECRET }, (server, client) -> {
					assertThatExceptionOfType(RpcException.class)
						.isThrownBy(() -> client.getBean(VaultClient.class).open("mallory"))
						.satisfies((ex) -> {
							assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
							assertThat(ex.getDescription()).contains("refused the shared secret")
								.doesNotContain(SECRET);
						});
					assertThat(server.getBean(VaultService.class).opened()).isZero();
				});
	}

	@Test
	void whenClientHasNoSecretThenCallsFailWithUnauthenticated() {
		withClient(new String[] { "easyrpc.server.auth.shared-secret=" + SECRET }, new String[0], (server, client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(VaultClient.class).open("anonymous"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED));
			assertThat(server.getBean(VaultService.class).opened()).isZero();
		});
	}

	@Test
	void whenClientHasSecretAndServerHasNoneThenClientRefusesTheServer() {
		withClient(new String[0], new String[] { "easyrpc.client.auth.shared-secret=" + SECRET }, (server, client) -> {
			assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> client.getBean(VaultClient.class).open("ada"))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED);
					assertThat(ex.getDescription()).contains("did not ask for authentication");
				});
			assertThat(server.getBean(VaultService.class).opened()).isZero();
		});
	}

	@Test
	void whenClientIsGivenByUrlThenItUsesTheDefaultSecret() {
		this.serverRunner.withPropertyValues("easyrpc.server.auth.shared-secret=" + SECRET).run((server) -> {
			String port = server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
						EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
				.withUserConfiguration(UrlVaultClients.class)
				.withPropertyValues("vault.url=tcp://127.0.0.1:" + port, "easyrpc.client.auth.shared-secret=" + SECRET)
				.run((client) -> assertThat(client.getBean(UrlVaultClient.class).open("grace"))
					.isEqualTo("opened for grace"));
		});
	}

	@Test
	void whenClientSecretIsBlankThenStartupFailsNamingTheProperty() {
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.vault.address=tcp://127.0.0.1:1",
					"easyrpc.client.targets.vault.auth.shared-secret= ")
			.run((client) -> {
				assertThat(client).hasFailed();
				assertThat(client.getStartupFailure()).rootCause()
					.hasMessageContaining("easyrpc.client.targets.vault.auth.shared-secret is set but blank");
			});
		this.clientRunner
			.withPropertyValues("easyrpc.client.targets.vault.address=tcp://127.0.0.1:1",
					"easyrpc.client.auth.shared-secret= ")
			.run((client) -> {
				assertThat(client).hasFailed();
				assertThat(client.getStartupFailure()).rootCause()
					.hasMessageContaining("easyrpc.client.auth.shared-secret is set but blank");
			});
	}

	@Test
	void whenTwoClientsCallOneAddressWithDifferentSecretsThenStartupFails() {
		this.clientRunner.withUserConfiguration(UrlVaultClients.class)
			.withPropertyValues("vault.url=tcp://127.0.0.1:1", "easyrpc.client.targets.vault.address=tcp://127.0.0.1:1",
					"easyrpc.client.targets.vault.auth.shared-secret=" + SECRET,
					"easyrpc.client.auth.shared-secret=other-" + SECRET)
			.run((client) -> {
				assertThat(client).hasFailed();
				assertThat(client.getStartupFailure()).rootCause()
					.hasMessageContaining("tcp://127.0.0.1:1")
					.hasMessageContaining("another shared secret")
					.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(SECRET));
			});
	}

	@Test
	void whenTwoClientsCallOneAddressWithTheSameSecretThenTheyShareOneChannel() {
		this.clientRunner.withUserConfiguration(UrlVaultClients.class)
			.withPropertyValues("vault.url=tcp://127.0.0.1:1", "easyrpc.client.targets.vault.address=tcp://127.0.0.1:1",
					"easyrpc.client.auth.shared-secret=" + SECRET)
			.run((client) -> {
				assertThat(client).hasNotFailed();
				assertThat(client.getBean(RpcClientFactory.class).channels()).containsOnlyKeys("tcp://127.0.0.1:1");
			});
	}

	@Test
	void whenServiceAndClientShareAContextAndASecretThenInProcessCallsWork() {
		String name = "vault-" + UUID.randomUUID();
		this.serverRunner.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
			.withUserConfiguration(VaultClients.class)
			.withPropertyValues("easyrpc.server.port=-1", "easyrpc.server.in-process-name=" + name,
					"easyrpc.server.auth.shared-secret=" + SECRET,
					"easyrpc.client.targets.vault.address=inproc://" + name,
					"easyrpc.client.targets.vault.auth.shared-secret=" + SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(VaultClient.class).open("linus")).isEqualTo("opened for linus");
				assertThat(context.getBean(VaultService.class).opened()).isEqualTo(1);
			});
	}

	private void withClient(String[] serverProperties, String[] clientProperties, ClientServerConsumer consumer) {
		this.serverRunner.withPropertyValues(serverProperties).run((server) -> {
			assertThat(server).hasNotFailed();
			String port = server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.vault.address=tcp://127.0.0.1:" + port)
				.withPropertyValues(clientProperties)
				.run((client) -> {
					assertThat(client).hasNotFailed();
					consumer.accept(server, client);
				});
		});
	}

	@FunctionalInterface
	interface ClientServerConsumer {

		void accept(AssertableApplicationContext server, AssertableApplicationContext client) throws Throwable;

	}

	public interface Vault {

		String open(String who);

	}

	@RpcClient(target = "vault")
	public interface VaultClient extends Vault {

	}

	@RpcClient(url = "${vault.url}")
	public interface UrlVaultClient extends Vault {

	}

	@RpcService
	static class VaultService implements Vault {

		private final AtomicInteger opened = new AtomicInteger();

		@Override
		public String open(String who) {
			this.opened.incrementAndGet();
			return "opened for " + who;
		}

		int opened() {
			return this.opened.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = VaultClient.class)
	static class VaultClients {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = UrlVaultClient.class)
	static class UrlVaultClients {

	}

}
