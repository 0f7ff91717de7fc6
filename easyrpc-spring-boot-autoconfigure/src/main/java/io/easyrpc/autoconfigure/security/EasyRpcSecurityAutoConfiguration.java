package io.easyrpc.autoconfigure.security;

import io.easyrpc.autoconfigure.ConditionalOnRpcServerEnabled;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Auto-configuration of Spring Security for the easyrpc server: maps security exceptions
 * to statuses, and authenticates calls with the bearer token of their
 * {@code authorization} metadata when the application has a {@code JwtDecoder},
 * {@code AuthenticationManager} or {@link BearerTokenAuthenticator} bean (switched off
 * with {@code easyrpc.server.auth.bearer.enabled=false}).
 */
@AutoConfiguration(after = EasyRpcServerAutoConfiguration.class, afterName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration" })
@ConditionalOnClass(SecurityContextHolder.class)
@ConditionalOnRpcServerEnabled
@Import(BearerTokenConfiguration.class)
public final class EasyRpcSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SecurityExceptionResolver easyRpcSecurityExceptionResolver() {
		return new SecurityExceptionResolver();
	}

}
