package io.easyrpc.autoconfigure.actuate;

import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.convert.support.ConfigurableConversionService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcEndpointAutoConfiguration}.
 */
class EasyRpcEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class,
						EasyRpcClientAutoConfiguration.class, EasyRpcEndpointAutoConfiguration.class))
		.withBean(WarehouseService.class)
		// Converts lower-case enum values such as access=none, as an application does
		.withInitializer((context) -> context.getEnvironment()
			.setConversionService((ConfigurableConversionService) ApplicationConversionService.getSharedInstance()))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=1s");

	@Test
	void whenEndpointIsExposedOverWebThenItIsDefined() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=easyrpc")
			.run((context) -> assertThat(context).hasSingleBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenEndpointIsExposedOverJmxThenItIsDefined() {
		this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=easyrpc")
			.run((context) -> assertThat(context).hasSingleBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenEndpointIsNotExposedThenItIsNotDefined() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(EasyRpcEndpoint.class);
		});
	}

	@Test
	void whenEndpointIsExcludedThenItIsNotDefined() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.web.exposure.exclude=easyrpc")
			.run((context) -> assertThat(context).doesNotHaveBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenEndpointAccessIsNoneThenItIsNotDefined() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.easyrpc.access=none")
			.run((context) -> assertThat(context).doesNotHaveBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenDefaultEndpointAccessIsNoneThenItIsNotDefined() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.access.default=none")
			.run((context) -> assertThat(context).doesNotHaveBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenEndpointAccessIsReadOnlyThenItIsDefined() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoint.easyrpc.access=read-only")
			.run((context) -> assertThat(context).hasSingleBean(EasyRpcEndpoint.class));
	}

	@Test
	void whenActuatorIsNotOnTheClassPathThenEndpointIsNotDefined() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=easyrpc")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(EasyRpcEndpoint.class);
			});
	}

	@Test
	void whenUserDefinesEndpointThenAutoConfiguredOneBacksOff() {
		EasyRpcEndpoint endpoint = new EasyRpcEndpoint(null, null);
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=easyrpc")
			.withBean("myEndpoint", EasyRpcEndpoint.class, () -> endpoint)
			.run((context) -> assertThat(context.getBean(EasyRpcEndpoint.class)).isSameAs(endpoint));
	}

}
