package io.easyrpc.autoconfigure.security;

import java.security.SecureRandom;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code easyrpc.server.msgpack-rpc.enabled} next to bearer token authentication:
 * MessagePack-RPC peers cannot send a token, so they are refused where one is required,
 * unless the property says otherwise.
 */
class EasyRpcMsgpackRpcSecurityTests {

	private static final SecretKey KEY = new SecretKeySpec(randomBytes(32), "HmacSHA256");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcSecurityAutoConfiguration.class))
		.withBean(PingService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner jwtRunner = this.runner.withBean(JwtDecoder.class,
			() -> NimbusJwtDecoder.withSecretKey(KEY).build());

	@Test
	void whenBearerTokensAreRequiredThenMessagePackRpcIsRefusedByDefault() {
		this.jwtRunner.run((context) -> assertThat(context.getBean(RpcServer.class).msgpackRpc()).isFalse());
	}

	@Test
	void whenBearerTokensAreRequiredAndMessagePackRpcIsEnabledThenItIsServed() {
		this.jwtRunner.withPropertyValues("easyrpc.server.msgpack-rpc.enabled=true")
			.run((context) -> assertThat(context.getBean(RpcServer.class).msgpackRpc()).isTrue());
	}

	@Test
	void whenBearerTokensAreOptionalThenTheDefaultStays() {
		this.jwtRunner.withPropertyValues("easyrpc.server.auth.bearer.required=false")
			.run((context) -> assertThat(context.getBean(RpcServer.class).msgpackRpc()).isNull());
	}

	@Test
	void whenNoBearerTokensThenTheDefaultStays() {
		this.runner.run((context) -> assertThat(context.getBean(RpcServer.class).msgpackRpc()).isNull());
	}

	@Test
	void whenDisabledThenRefused() {
		this.runner.withPropertyValues("easyrpc.server.msgpack-rpc.enabled=false")
			.run((context) -> assertThat(context.getBean(RpcServer.class).msgpackRpc()).isFalse());
	}

	public interface Ping {

		String ping();

	}

	@RpcService
	static class PingService implements Ping {

		@Override
		public String ping() {
			return "pong";
		}

	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

}
