package io.easyrpc.autoconfigure.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.util.Assert;

/**
 * A {@link BearerTokenAuthenticator} that hands a {@link BearerTokenAuthenticationToken}
 * to an {@link AuthenticationManager}, which needs a provider that supports it, such as
 * Spring Security's {@code JwtAuthenticationProvider} or
 * {@code OpaqueTokenAuthenticationProvider}, or one of the application's own.
 */
public final class AuthenticationManagerBearerTokenAuthenticator implements BearerTokenAuthenticator {

	private final AuthenticationManager authenticationManager;

	/**
	 * Create an authenticator.
	 * @param authenticationManager the manager that authenticates tokens
	 */
	public AuthenticationManagerBearerTokenAuthenticator(AuthenticationManager authenticationManager) {
		Assert.notNull(authenticationManager, "authenticationManager must not be null");
		this.authenticationManager = authenticationManager;
	}

	@Override
	public Authentication authenticate(String token) {
		return this.authenticationManager.authenticate(new BearerTokenAuthenticationToken(token));
	}

}
