package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.client.RetryPolicy;
import io.easyrpc.internal.server.DedupStore;
import io.easyrpc.internal.server.ServerRuntime;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of {@code easyrpc.server.dedup.*}, {@code easyrpc.client.targets.*.retry.*} and
 * {@code easyrpc.client.targets.*.idempotent-methods}.
 */
class EasyRpcDedupPropertiesTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.enabled=true", "easyrpc.server.port=-1",
				"easyrpc.server.in-process-name=dedup-" + UUID.randomUUID(),
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void serverDeduplicatesWithTheDefaultsUnlessTurnedOff() {
		this.runner.run((context) -> {
			DedupStore store = ServerRuntime.of(context.getBean(RpcServer.class)).dedup();
			assertThat(store).isNotNull();
			assertThat(store.ttl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(store.maxEntries()).isEqualTo(100_000);
			assertThat(store.maxBytes()).isEqualTo(64L * 1024 * 1024);
		});
		this.runner.withPropertyValues("easyrpc.server.dedup.enabled=false")
			.run((context) -> assertThat(ServerRuntime.of(context.getBean(RpcServer.class)).dedup()).isNull());
	}

	@Test
	void serverDedupPropertiesAreBound() {
		this.runner
			.withPropertyValues("easyrpc.server.dedup.ttl=2m", "easyrpc.server.dedup.max-entries=10",
					"easyrpc.server.dedup.max-bytes=1MB")
			.run((context) -> {
				DedupStore store = ServerRuntime.of(context.getBean(RpcServer.class)).dedup();
				assertThat(store.ttl()).isEqualTo(Duration.ofMinutes(2));
				assertThat(store.maxEntries()).isEqualTo(10);
				assertThat(store.maxBytes()).isEqualTo(1024 * 1024);
			});
	}

	@Test
	void targetRetryPropertiesAreBoundToItsChannel() {
		this.runner.withUserConfiguration(LedgerClientConfiguration.class)
			.withBean(LedgerService.class)
			.withPropertyValues("easyrpc.client.targets.ledger.address=inproc://${easyrpc.server.in-process-name}",
					"easyrpc.client.targets.ledger.retry.max-attempts=5",
					"easyrpc.client.targets.ledger.retry.initial-backoff=10ms",
					"easyrpc.client.targets.ledger.retry.max-backoff=200ms",
					"easyrpc.client.targets.ledger.retry.multiplier=3",
					"easyrpc.client.targets.ledger.retry.retryable-statuses=unavailable,resource-exhausted",
					"easyrpc.client.targets.ledger.retry.max-tokens=20",
					"easyrpc.client.targets.ledger.retry.token-ratio=0.5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RetryPolicy policy = context.getBean(RpcClientFactory.class).targets().get(0).channel().retryPolicy();
				assertThat(policy.maxAttempts()).isEqualTo(5);
				assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(10));
				assertThat(policy.maxBackoff()).isEqualTo(Duration.ofMillis(200));
				assertThat(policy.multiplier()).isEqualTo(3.0);
				assertThat(policy.retryableStatuses())
					.isEqualTo(Set.of(RpcStatus.UNAVAILABLE, RpcStatus.RESOURCE_EXHAUSTED));
				assertThat(policy.maxTokens()).isEqualTo(20);
				assertThat(policy.tokenRatio()).isEqualTo(0.5);
			});
	}

	@Test
	void idempotentMethodsFromAnnotationAndPropertyCarryAKey() {
		this.runner.withUserConfiguration(LedgerClientConfiguration.class)
			.withBean(LedgerService.class)
			.withPropertyValues("easyrpc.client.targets.ledger.address=inproc://${easyrpc.server.in-process-name}",
					"easyrpc.client.targets.ledger.idempotent-methods=byProperty")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LedgerClient ledger = context.getBean(LedgerClient.class);
				LedgerService service = context.getBean(LedgerService.class);
				ledger.byAnnotation();
				ledger.byProperty();
				ledger.plain();
				assertThat(service.keys).hasSize(3);
				assertThat(service.keys.get(0)).hasSize(22);
				assertThat(service.keys.get(1)).hasSize(22).isNotEqualTo(service.keys.get(0));
				assertThat(service.keys.get(2)).isEqualTo("none");
				assertThat(context.getBean(RpcClientFactory.class).targets().get(0).channel().retryPolicy())
					.isEqualTo(RetryPolicy.defaults());
			});
	}

	@Test
	void invalidRetryPropertiesFailStartupNamingThem() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.billing.address=tcp://localhost:1",
					"easyrpc.client.targets.billing.retry.max-attempts=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.client.targets.billing.retry"));
		this.runner.withPropertyValues("easyrpc.server.dedup.ttl=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.server.dedup.ttl must be positive"));
	}

	public interface Ledger {

		@RpcMethod(idempotent = true)
		String byAnnotation();

		String byProperty();

		String plain();

	}

	@RpcClient(target = "ledger")
	public interface LedgerClient extends Ledger {

	}

	@RpcService
	static class LedgerService implements Ledger {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@Override
		public String byAnnotation() {
			return record();
		}

		@Override
		public String byProperty() {
			return record();
		}

		@Override
		public String plain() {
			return record();
		}

		private String record() {
			String key = RpcContext.current().idempotencyKey();
			this.keys.add((key != null) ? key : "none");
			return "ok";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = LedgerClient.class)
	static class LedgerClientConfiguration {

	}

}
