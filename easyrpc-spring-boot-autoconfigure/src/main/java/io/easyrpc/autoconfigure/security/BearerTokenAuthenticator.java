package io.easyrpc.autoconfigure.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Turns the bearer token of a call into an {@link Authentication}. The auto-configuration
 * provides one backed by the application's {@code JwtDecoder} or
 * {@code AuthenticationManager}; define a bean of this type to authenticate tokens in
 * another way.
 */
@FunctionalInterface
public interface BearerTokenAuthenticator {

	/**
	 * Authenticate a token.
	 * @param token the token, without the {@code Bearer} scheme
	 * @return the authenticated principal
	 * @throws AuthenticationException if the token is not valid
	 */
	Authentication authenticate(String token) throws AuthenticationException;

}
