package io.easyrpc.autoconfigure.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Bearer token authentication of calls. The authenticator comes from the application's
 * {@link BearerTokenAuthenticator} bean, else its {@code JwtDecoder}, else its
 * {@code AuthenticationManager}, in that order.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(BearerTokenAuthenticationToken.class)
@ConditionalOnBooleanProperty(name = "easyrpc.server.auth.bearer.enabled", matchIfMissing = true)
@Import({ BearerTokenConfigurations.JwtDecoderAuthenticatorConfiguration.class,
		BearerTokenConfigurations.AuthenticationManagerAuthenticatorConfiguration.class,
		BearerTokenConfigurations.MiddlewareConfiguration.class })
class BearerTokenConfiguration {

}
