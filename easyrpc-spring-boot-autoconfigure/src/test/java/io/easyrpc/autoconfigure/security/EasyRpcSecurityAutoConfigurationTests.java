package io.easyrpc.autoconfigure.security;

import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.server.RpcExceptionResolver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcSecurityAutoConfiguration}: which beans exist for which class
 * path, beans and properties.
 */
class EasyRpcSecurityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcSecurityAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.enabled=true", "easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner withJwtDecoder = this.runner.withBean(JwtDecoder.class,
			() -> EasyRpcSecurityAutoConfigurationTests::decode);

	private final ApplicationContextRunner withAuthenticationManager = this.runner.withBean(AuthenticationManager.class,
			() -> (authentication) -> authentication);

	@Test
	void whenJwtDecoderExistsThenBearerMiddlewareUsesIt() {
		this.withJwtDecoder.run((context) -> {
			assertThat(context).hasSingleBean(BearerTokenRpcMiddleware.class);
			assertThat(context.getBean(BearerTokenAuthenticator.class)).isInstanceOf(JwtBearerTokenAuthenticator.class);
			assertThat(context.getBean(BearerTokenRpcMiddleware.class).isRequired()).isTrue();
			assertThat(context.getBean(BearerTokenRpcMiddleware.class).getOrder())
				.isEqualTo(BearerTokenRpcMiddleware.ORDER);
		});
	}

	@Test
	void whenAuthenticationManagerExistsThenBearerMiddlewareUsesIt() {
		this.withAuthenticationManager.run((context) -> {
			assertThat(context).hasSingleBean(BearerTokenRpcMiddleware.class);
			assertThat(context.getBean(BearerTokenAuthenticator.class))
				.isInstanceOf(AuthenticationManagerBearerTokenAuthenticator.class);
		});
	}

	@Test
	void whenJwtDecoderAndAuthenticationManagerExistThenJwtDecoderWins() {
		this.withJwtDecoder.withBean(AuthenticationManager.class, () -> (authentication) -> authentication)
			.run((context) -> assertThat(context.getBean(BearerTokenAuthenticator.class))
				.isInstanceOf(JwtBearerTokenAuthenticator.class));
	}

	@Test
	void whenApplicationDefinesAuthenticatorThenItIsUsed() {
		BearerTokenAuthenticator custom = (token) -> new TestingAuthenticationToken(token, null, "ROLE_USER");
		this.withJwtDecoder.withBean(BearerTokenAuthenticator.class, () -> custom).run((context) -> {
			assertThat(context).hasSingleBean(BearerTokenRpcMiddleware.class);
			assertThat(context.getBean(BearerTokenAuthenticator.class)).isSameAs(custom);
		});
	}

	@Test
	void whenNoDecoderNorManagerExistsThenNoBearerMiddlewareButExceptionsAreMapped() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(BearerTokenRpcMiddleware.class)
				.doesNotHaveBean(BearerTokenAuthenticator.class);
			assertThat(context).hasSingleBean(SecurityExceptionResolver.class);
			assertThat(context.getBeansOfType(RpcExceptionResolver.class).values())
				.hasAtLeastOneElementOfType(SecurityExceptionResolver.class);
		});
	}

	@Test
	void whenTokensAreOptionalThenMiddlewareDoesNotRequireThem() {
		this.withJwtDecoder.withPropertyValues("easyrpc.server.auth.bearer.required=false")
			.run((context) -> assertThat(context.getBean(BearerTokenRpcMiddleware.class).isRequired()).isFalse());
	}

	@Test
	void whenBearerAuthenticationIsDisabledThenNoMiddleware() {
		this.withJwtDecoder.withPropertyValues("easyrpc.server.auth.bearer.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(BearerTokenRpcMiddleware.class)
				.doesNotHaveBean(BearerTokenAuthenticator.class);
			assertThat(context).hasSingleBean(SecurityExceptionResolver.class);
		});
	}

	@Test
	void withoutSpringSecurityThenNothingIsConfigured() {
		this.withJwtDecoder.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(BearerTokenRpcMiddleware.class)
				.doesNotHaveBean(SecurityExceptionResolver.class);
		});
	}

	@Test
	void withoutResourceServerThenExceptionsAreMappedButTokensAreNotChecked() {
		this.withAuthenticationManager.withClassLoader(new FilteredClassLoader(BearerTokenAuthenticationToken.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(BearerTokenRpcMiddleware.class);
				assertThat(context).hasSingleBean(SecurityExceptionResolver.class);
			});
	}

	@Test
	void withoutJoseThenAuthenticationManagerIsUsed() {
		this.withAuthenticationManager.withClassLoader(new FilteredClassLoader(JwtDecoder.class))
			.run((context) -> assertThat(context.getBean(BearerTokenAuthenticator.class))
				.isInstanceOf(AuthenticationManagerBearerTokenAuthenticator.class));
	}

	@Test
	void whenServerIsDisabledThenNothingIsConfigured() {
		this.withJwtDecoder.withPropertyValues("easyrpc.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BearerTokenRpcMiddleware.class)
				.doesNotHaveBean(SecurityExceptionResolver.class));
	}

	@Test
	void whenApplicationDefinesMiddlewareThenItIsKept() {
		BearerTokenRpcMiddleware custom = new BearerTokenRpcMiddleware(
				(token) -> new TestingAuthenticationToken(token, null, "ROLE_USER"));
		this.withJwtDecoder.withBean("customBearerMiddleware", BearerTokenRpcMiddleware.class, () -> custom)
			.run((context) -> assertThat(context.getBean(BearerTokenRpcMiddleware.class)).isSameAs(custom));
	}

	private static Jwt decode(String token) {
		return Jwt.withTokenValue(token).header("alg", "none").subject(token).build();
	}

}
