package io.easyrpc.autoconfigure.observation;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.ServerCallObserver;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcObservationAutoConfiguration}.
 */
class EasyRpcObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ObservationAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class));

	@Test
	void whenObservationRegistryIsPresentThenBothObserversAreDefined() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(ObservationServerCallObserver.class)
				.hasSingleBean(ObservationClientCallObserver.class);
			assertThat(context.getBeansOfType(ServerCallObserver.class)).hasSize(1);
			assertThat(context.getBeansOfType(ClientCallObserver.class)).hasSize(1);
		});
	}

	@Test
	void whenNoObservationRegistryBeanThenNoObserver() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EasyRpcObservationAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ObservationServerCallObserver.class)
					.doesNotHaveBean(ObservationClientCallObserver.class);
			});
	}

	@Test
	void whenMicrometerObservationIsNotOnTheClassPathThenNoObserver() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ObservationServerCallObserver.class)
				.doesNotHaveBean(ObservationClientCallObserver.class);
		});
	}

	@Test
	void whenObservationIsDisabledThenNoObserver() {
		this.runner.withPropertyValues("easyrpc.observation.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ObservationServerCallObserver.class)
				.doesNotHaveBean(ObservationClientCallObserver.class);
		});
	}

	@Test
	void whenUserDefinesObserversThenAutoConfiguredOnesBackOff() {
		ObservationServerCallObserver server = new ObservationServerCallObserver(ObservationRegistry.NOOP, null);
		ObservationClientCallObserver client = new ObservationClientCallObserver(ObservationRegistry.NOOP, null);
		this.runner.withBean("myServerObserver", ObservationServerCallObserver.class, () -> server)
			.withBean("myClientObserver", ObservationClientCallObserver.class, () -> client)
			.run((context) -> {
				assertThat(context.getBean(ObservationServerCallObserver.class)).isSameAs(server);
				assertThat(context.getBean(ObservationClientCallObserver.class)).isSameAs(client);
			});
	}

	@Test
	void whenConventionBeansAreDefinedThenObserversUseThem() {
		this.runner.withBean(EasyRpcServerObservationConvention.class, CustomServerConvention::new)
			.withBean(EasyRpcClientObservationConvention.class, CustomClientConvention::new)
			.withBean(RecordingHandler.class)
			.run((context) -> {
				CallInfo call = new CallInfo("Greeter.hello", "tcp://localhost:7070", new HashMap<>(), false);
				context.getBean(ObservationServerCallObserver.class).start(call).stop(RpcStatus.OK, null);
				context.getBean(ObservationClientCallObserver.class).start(call).stop(RpcStatus.OK, null);
				assertThat(context.getBean(RecordingHandler.class).names).containsExactly("custom.server",
						"custom.client");
			});
	}

	@Test
	void whenNoConventionBeanIsDefinedThenDefaultNamesAreUsed() {
		this.runner.withBean(RecordingHandler.class).run((context) -> {
			CallInfo call = new CallInfo("billing/Invoices.create", "tcp://localhost:7070", new HashMap<>(), false);
			context.getBean(ObservationServerCallObserver.class).start(call).stop(RpcStatus.NOT_FOUND, null);
			context.getBean(ObservationClientCallObserver.class).start(call).stop(RpcStatus.OK, null);
			assertThat(context.getBean(RecordingHandler.class).names).containsExactly("easyrpc.server.requests",
					"easyrpc.client.requests");
			assertThat(context.getBean(RecordingHandler.class).contexts.get(0).getLowCardinalityKeyValues())
				.containsExactlyInAnyOrder(KeyValue.of("rpc.system", "easyrpc"),
						KeyValue.of("rpc.service", "billing/Invoices"), KeyValue.of("rpc.method", "create"),
						KeyValue.of("rpc.type", "unary"), KeyValue.of("rpc.status", "NOT_FOUND"),
						KeyValue.of("rpc.transport", "tcp"));
		});
	}

	static class CustomServerConvention extends DefaultEasyRpcServerObservationConvention {

		@Override
		public String getName() {
			return "custom.server";
		}

	}

	static class CustomClientConvention extends DefaultEasyRpcClientObservationConvention {

		@Override
		public String getName() {
			return "custom.client";
		}

	}

	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<String> names = new CopyOnWriteArrayList<>();

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.names.add(context.getName());
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
