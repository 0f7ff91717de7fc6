package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcExceptionHandler;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.errors.CustomRemoteException;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.netty.bootstrap.Bootstrap;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Calls from an auto-configured client context to an auto-configured server context over
 * a real socket, and within one context over the in-process transport.
 */
class EasyRpcClientServerTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class))
		.withBean(BankService.class)
		.withBean(BankErrorHandlers.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(BankClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=30s");

	@Test
	void whenServerIsOnPortZeroThenClientCallsItThroughLocalPort() {
		withClient((client) -> {
			BankClient bank = client.getBean(BankClient.class);
			assertThat(bank.hello("Ada")).isEqualTo("Hello, Ada");
			assertThat(bank.open(new Account("ada", 100))).isEqualTo(new Receipt("ada", 100, "opened"));
		});
	}

	@Test
	void whenClientBootstrapCustomizerIsDefinedThenConnectionUsesIt() {
		List<Bootstrap> bootstraps = new CopyOnWriteArrayList<>();
		this.serverRunner.run((server) -> {
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withBean(RpcClientBootstrapCustomizer.class, () -> bootstraps::add)
				.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port)
				.run((client) -> {
					assertThat(bootstraps).isEmpty();
					assertThat(client.getBean(BankClient.class).hello("Ada")).isEqualTo("Hello, Ada");
					assertThat(bootstraps).hasSize(1);
				});
		});
	}

	@Test
	void whenMethodReturnsFutureThenCallIsAsynchronous() {
		withClient((client) -> {
			CompletableFuture<Long> balance = client.getBean(BankClient.class).balance("ada");
			assertThat(balance.get(10, TimeUnit.SECONDS)).isEqualTo(42L);
		});
	}

	@Test
	void whenDeclaredCheckedExceptionIsThrownThenClientRethrowsIt() {
		withClient((client) -> assertThatExceptionOfType(InsufficientFundsException.class)
			.isThrownBy(() -> client.getBean(BankClient.class).withdraw("ada", 500))
			.withMessage("ada has only 42")
			.havingCause()
			.isInstanceOf(RpcException.class));
	}

	@Test
	void whenExceptionHandlerReturnsStatusThenClientSeesIt() {
		withClient((client) -> assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> client.getBean(BankClient.class).transfer("frozen"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.PERMISSION_DENIED);
				assertThat(ex.getRemoteClassName()).isEqualTo(AccountLockedException.class.getName());
				assertThat(ex.getDescription()).isEqualTo("frozen is locked");
			}));
	}

	@Test
	void whenExceptionHandlerReturnsRpcExceptionThenClientSeesIt() {
		withClient((client) -> assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> client.getBean(BankClient.class).transfer("busy"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED);
				assertThat(ex.getDescription()).isEqualTo("Try again later: busy has too many transfers");
			}));
	}

	@Test
	void whenUnhandledExceptionIsNotAllowedThenClientThrowsRpcException() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Bank.audit threw an unexpected exception");
		withClient((client) -> assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> client.getBean(BankClient.class).audit("boom"))
			.satisfies((ex) -> {
				assertThat(ex.getStatus()).isEqualTo(RpcStatus.APPLICATION_ERROR);
				assertThat(ex.getRemoteClassName()).isEqualTo(CustomRemoteException.class.getName());
				assertThat(ex.getDescription()).isEqualTo("boom");
			}));
	}

	@Test
	void whenExceptionPackageIsAllowedThenClientRecreatesException() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Bank.audit threw an unexpected exception");
		withClient(new String[] { "easyrpc.client.exception-packages=io.easyrpc.autoconfigure.errors" },
				(client) -> assertThatExceptionOfType(CustomRemoteException.class)
					.isThrownBy(() -> client.getBean(BankClient.class).audit("boom"))
					.withMessage("boom"));
	}

	@Test
	void whenExceptionClassIsHiddenFromApplicationClassLoaderThenClientThrowsRpcException() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Bank.audit threw an unexpected exception");
		this.serverRunner.run((server) -> {
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withClassLoader(new FilteredClassLoader(CustomRemoteException.class))
				.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port,
						"easyrpc.client.exception-packages=io.easyrpc.autoconfigure.errors")
				.run((client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(BankClient.class).audit("boom"))
					.satisfies((ex) -> assertThat(ex.getRemoteClassName())
						.isEqualTo(CustomRemoteException.class.getName())));
		});
	}

	@Test
	void whenMetadataIsAddedThenServerSeesItInContext() {
		withClient((client) -> {
			BankClient bank = client.getBean(BankClient.class);
			try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("tenant", "acme"))) {
				assertThat(bank.header("tenant")).isEqualTo("acme");
			}
			assertThat(bank.header("tenant")).isEqualTo("<none>");
		});
	}

	@Test
	void whenRpcMethodHasTimeoutThenSlowCallFailsWithDeadlineExceeded() {
		withClient((client) -> assertThatExceptionOfType(RpcException.class)
			.isThrownBy(() -> client.getBean(BankClient.class).report())
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED)));
	}

	@Test
	void whenMethodTimeoutIsConfiguredThenSlowCallFailsWithDeadlineExceeded() {
		withClient(new String[] { "easyrpc.client.targets.bank.method-timeouts.statement=200ms" },
				(client) -> assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> client.getBean(BankClient.class).statement())
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.DEADLINE_EXCEEDED)));
	}

	@Test
	void whenNoMethodTimeoutIsConfiguredThenSlowCallCompletes() {
		withClient((client) -> assertThat(client.getBean(BankClient.class).statement()).isEqualTo("done"));
	}

	@Test
	void whenServerAndClientShareContextThenInProcessCallsWork() {
		String name = "inproc-" + UUID.randomUUID();
		this.serverRunner.withConfiguration(AutoConfigurations.of(EasyRpcClientAutoConfiguration.class))
			.withUserConfiguration(BankClientConfiguration.class)
			.withPropertyValues("easyrpc.server.port=-1", "easyrpc.server.in-process-name=" + name,
					"easyrpc.client.targets.bank.address=inproc://" + name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getEnvironment().containsProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY))
					.isFalse();
				BankClient bank = context.getBean(BankClient.class);
				assertThat(bank.hello("Grace")).isEqualTo("Hello, Grace");
				assertThat(bank.balance("grace").get(10, TimeUnit.SECONDS)).isEqualTo(42L);
				try (RpcContext.Scope scope = RpcContext.withMetadata(Map.of("tenant", "inproc"))) {
					assertThat(bank.header("tenant")).isEqualTo("inproc");
				}
			});
	}

	private void withClient(ContextConsumer<AssertableApplicationContext> consumer) {
		withClient(new String[0], consumer);
	}

	private void withClient(String[] properties, ContextConsumer<AssertableApplicationContext> consumer) {
		this.serverRunner.run((server) -> {
			assertThat(server).hasNotFailed();
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			assertThat(port).isNotNull();
			this.clientRunner.withPropertyValues("easyrpc.client.targets.bank.address=tcp://127.0.0.1:" + port)
				.withPropertyValues(properties)
				.run((client) -> {
					assertThat(client).hasNotFailed();
					consumer.accept(client);
				});
		});
	}

	public record Account(String owner, long amount) {
	}

	public record Receipt(String owner, long amount, String status) {
	}

	public static class InsufficientFundsException extends Exception {

		private static final long serialVersionUID = 1L;

		public InsufficientFundsException(String message) {
			super(message);
		}

	}

	public static class AccountLockedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public AccountLockedException(String message) {
			super(message);
		}

	}

	public static class TooManyTransfersException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public TooManyTransfersException(String message) {
			super(message);
		}

	}

	public interface Bank {

		String hello(String name);

		Receipt open(Account account);

		CompletableFuture<Long> balance(String owner);

		void withdraw(String owner, long amount) throws InsufficientFundsException;

		void transfer(String owner);

		void audit(String message);

		String header(String name);

		@RpcMethod(timeout = "200ms")
		String report();

		String statement();

	}

	@RpcClient(target = "bank")
	public interface BankClient extends Bank {

	}

	@RpcService
	static class BankService implements Bank {

		@Override
		public String hello(String name) {
			return "Hello, " + name;
		}

		@Override
		public Receipt open(Account account) {
			return new Receipt(account.owner(), account.amount(), "opened");
		}

		@Override
		public CompletableFuture<Long> balance(String owner) {
			return CompletableFuture.supplyAsync(() -> 42L);
		}

		@Override
		public void withdraw(String owner, long amount) throws InsufficientFundsException {
			throw new InsufficientFundsException(owner + " has only 42");
		}

		@Override
		public void transfer(String owner) {
			if (owner.equals("frozen")) {
				throw new AccountLockedException(owner + " is locked");
			}
			throw new TooManyTransfersException(owner + " has too many transfers");
		}

		@Override
		public void audit(String message) {
			throw new CustomRemoteException(message);
		}

		@Override
		public String header(String name) {
			String value = RpcContext.current().header(name);
			return (value != null) ? value : "<none>";
		}

		@Override
		public String report() {
			return waitUntilCancelled();
		}

		@Override
		public String statement() {
			return waitUntilCancelled();
		}

		private static String waitUntilCancelled() {
			RpcContext context = RpcContext.current();
			try {
				await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(2)).until(context::isCancelled);
				return "cancelled";
			}
			catch (ConditionTimeoutException ex) {
				return "done";
			}
		}

	}

	static class BankErrorHandlers {

		@RpcExceptionHandler
		RpcStatus locked(AccountLockedException ex) {
			return RpcStatus.PERMISSION_DENIED;
		}

		@RpcExceptionHandler(TooManyTransfersException.class)
		RpcException tooMany(TooManyTransfersException ex) {
			return new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "Try again later: " + ex.getMessage());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = BankClient.class)
	static class BankClientConfiguration {

	}

}
