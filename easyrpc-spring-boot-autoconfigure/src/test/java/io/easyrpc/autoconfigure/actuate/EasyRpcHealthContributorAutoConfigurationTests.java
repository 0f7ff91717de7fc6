package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcHealthContributorAutoConfiguration}.
 */
class EasyRpcHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class,
						EasyRpcClientAutoConfiguration.class, EasyRpcHealthContributorAutoConfiguration.class))
		.withBean(WarehouseService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenHealthIsOnTheClassPathThenIndicatorIsDefined() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(EasyRpcHealthIndicator.class);
			assertThat(context).hasBean("easyrpcHealthIndicator");
		});
	}

	@Test
	void whenIndicatorIsRegisteredThenItIsNamedEasyrpc() {
		this.runner
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(HealthContributorRegistry.class).getContributor("easyrpc"))
				.isInstanceOf(EasyRpcHealthIndicator.class));
	}

	@Test
	void whenIndicatorIsDisabledThenItIsNotDefined() {
		this.runner.withPropertyValues("management.health.easyrpc.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EasyRpcHealthIndicator.class));
	}

	@Test
	void whenDefaultIndicatorsAreDisabledThenItIsNotDefined() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EasyRpcHealthIndicator.class));
	}

	@Test
	void whenDefaultIndicatorsAreDisabledButEasyrpcIsEnabledThenItIsDefined() {
		this.runner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.easyrpc.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(EasyRpcHealthIndicator.class));
	}

	@Test
	void whenHealthIsNotOnTheClassPathThenIndicatorIsNotDefined() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(EasyRpcHealthIndicator.class);
		});
	}

	@Test
	void whenUserDefinesIndicatorWithTheSameNameThenAutoConfiguredOneBacksOff() {
		HealthIndicator custom = () -> Health.up().withDetail("custom", true).build();
		this.runner.withBean("easyrpcHealthIndicator", HealthIndicator.class, () -> custom).run((context) -> {
			assertThat(context).doesNotHaveBean(EasyRpcHealthIndicator.class);
			assertThat(context.getBean("easyrpcHealthIndicator")).isSameAs(custom);
		});
	}

}
