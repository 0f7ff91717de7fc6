package io.easyrpc.autoconfigure.security;

import io.easyrpc.autoconfigure.EasyRpcServerProperties;
import io.easyrpc.autoconfigure.RpcServerBuilderCustomizer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * The configurations that {@link BearerTokenConfiguration} imports, in order: the first
 * that defines a {@link BearerTokenAuthenticator} wins. They are nested in a class that
 * is not a configuration itself so that only the import decides their order.
 */
final class BearerTokenConfigurations {

	private BearerTokenConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JwtDecoder.class)
	@ConditionalOnBean(JwtDecoder.class)
	static class JwtDecoderAuthenticatorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BearerTokenAuthenticator easyRpcBearerTokenAuthenticator(JwtDecoder decoder,
				ObjectProvider<JwtAuthenticationConverter> converter) {
			return new JwtBearerTokenAuthenticator(decoder, converter.getIfAvailable(JwtAuthenticationConverter::new));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(AuthenticationManager.class)
	static class AuthenticationManagerAuthenticatorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BearerTokenAuthenticator easyRpcBearerTokenAuthenticator(AuthenticationManager authenticationManager) {
			return new AuthenticationManagerBearerTokenAuthenticator(authenticationManager);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(BearerTokenAuthenticator.class)
	static class MiddlewareConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BearerTokenRpcMiddleware easyRpcBearerTokenMiddleware(BearerTokenAuthenticator authenticator,
				EasyRpcServerProperties properties, ObjectProvider<SecurityContextHolderStrategy> strategy) {
			return new BearerTokenRpcMiddleware(authenticator, properties.getAuth().getBearer().isRequired(),
					strategy.getIfAvailable(SecurityContextHolder::getContextHolderStrategy));
		}

		// MessagePack-RPC peers cannot send a bearer token: where one is required they
		// are refused, unless easyrpc.server.msgpack-rpc.enabled says otherwise.
		@Bean
		RpcServerBuilderCustomizer easyRpcBearerTokenMsgpackRpcCustomizer(EasyRpcServerProperties properties) {
			return (builder) -> {
				if (properties.getAuth().getBearer().isRequired() && properties.getMsgpackRpc().getEnabled() == null) {
					builder.msgpackRpc(false);
				}
			};
		}

	}

}
