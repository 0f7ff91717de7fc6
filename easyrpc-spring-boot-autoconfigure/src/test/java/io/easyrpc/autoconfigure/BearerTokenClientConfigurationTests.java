package io.easyrpc.autoconfigure;

import ch.qos.logback.classic.Level;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.BearerTokenClientMiddleware;
import io.easyrpc.middleware.BearerTokenSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the bearer token client middleware of {@link EasyRpcClientAutoConfiguration}:
 * when it exists. What it sends is tested over sockets in
 * {@code io.easyrpc.autoconfigure.security.EasyRpcBearerTokenTests}.
 */
class BearerTokenClientConfigurationTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class));

	@Test
	void whenNoTokenIsConfiguredThenNoMiddleware() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(BearerTokenClientMiddleware.class));
	}

	@Test
	void whenGlobalTokenIsEmptyThenNoMiddleware() {
		this.runner.withPropertyValues("easyrpc.client.auth.bearer-token=")
			.run((context) -> assertThat(context).doesNotHaveBean(BearerTokenClientMiddleware.class));
	}

	@Test
	void whenGlobalTokenIsSetThenMiddlewareExists() {
		this.runner.withPropertyValues("easyrpc.client.auth.bearer-token=abc")
			.run((context) -> assertThat(context).hasSingleBean(BearerTokenClientMiddleware.class));
	}

	@Test
	void whenOnlyTargetTokenIsSetThenMiddlewareExists() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.inventory.address=tcp://localhost:7070",
					"easyrpc.client.targets.inventory.auth.bearer-token=abc")
			.run((context) -> {
				assertThat(context).hasSingleBean(BearerTokenClientMiddleware.class);
				assertThat(context.getBean(BearerTokenClientMiddleware.class))
					.hasToString("BearerTokenClientMiddleware [tcp://localhost:7070]");
			});
	}

	@Test
	void whenTokenSourceBeanExistsThenMiddlewareExists() {
		this.runner.withBean(BearerTokenSource.class, () -> () -> "abc")
			.run((context) -> assertThat(context).hasSingleBean(BearerTokenClientMiddleware.class));
	}

	@Test
	void whenTargetsShareAnAddressWithDifferentTokensThenStartupFails() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.a.address=tcp://localhost:7070",
					"easyrpc.client.targets.a.auth.bearer-token=tok-one",
					"easyrpc.client.targets.b.address=tcp://localhost:7070",
					"easyrpc.client.targets.b.auth.bearer-token=tok-two")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'a' and 'b'")
				.hasMessageContaining("tcp://localhost:7070")
				.hasMessageNotContaining("tok-"));
	}

	@Test
	void whenClientsAreDisabledThenNoMiddleware() {
		this.runner.withPropertyValues("easyrpc.client.enabled=false", "easyrpc.client.auth.bearer-token=abc")
			.run((context) -> assertThat(context).doesNotHaveBean(BearerTokenClientMiddleware.class));
	}

}
