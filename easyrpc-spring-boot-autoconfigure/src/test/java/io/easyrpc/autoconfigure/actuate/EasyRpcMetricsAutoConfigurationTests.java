package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcClientProperties;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.autoconfigure.observation.EasyRpcObservationAutoConfiguration;
import io.easyrpc.middleware.ClientCallObserver;
import io.easyrpc.middleware.ServerCallObserver;
import io.easyrpc.server.RpcServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcMetricsAutoConfiguration}.
 */
class EasyRpcMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class,
				EasyRpcMetricsAutoConfiguration.class, EasyRpcObservationAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	private final AutoConfigurations metrics = AutoConfigurations.of(MetricsAutoConfiguration.class,
			SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class);

	@Test
	void whenMeterRegistryIsPresentThenMetricsAreBound() {
		this.runner.withConfiguration(this.metrics).run((context) -> {
			assertThat(context).hasSingleBean(EasyRpcMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("easyrpc.server.connections").gauge().value()).isZero();
			assertThat(registry.get("easyrpc.server.active.requests").gauge().value()).isZero();
		});
	}

	@Test
	void whenNoMeterRegistryThenNoMetrics() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(EasyRpcMetrics.class);
		});
	}

	@Test
	void whenMicrometerIsNotOnTheClassPathThenNoMetrics() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(EasyRpcMetrics.class);
		});
	}

	@Test
	void whenNeitherRegistryIsPresentThenCallsHaveNoObserver() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(ServerCallObserver.class)).isEmpty();
			assertThat(context.getBeansOfType(ClientCallObserver.class)).isEmpty();
		});
	}

	@Test
	void whenMicrometerIsMissingEntirelyThenContextStartsWithoutObservers() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, ObservationRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ServerCallObserver.class)).isEmpty();
				assertThat(context.getBeansOfType(ClientCallObserver.class)).isEmpty();
			});
	}

	@Test
	void whenUserDefinesMetricsThenAutoConfiguredOneBacksOff() {
		StaticListableBeanFactory none = new StaticListableBeanFactory();
		EasyRpcMetrics custom = new EasyRpcMetrics(none.getBeanProvider(RpcServer.class),
				none.getBeanProvider(RpcClientFactory.class), none.getBeanProvider(EasyRpcClientProperties.class));
		this.runner.withConfiguration(this.metrics)
			.withBean("myMetrics", EasyRpcMetrics.class, () -> custom)
			.run((context) -> assertThat(context.getBean(EasyRpcMetrics.class)).isSameAs(custom));
	}

}
