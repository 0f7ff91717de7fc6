package io.easyrpc.autoconfigure.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.util.Assert;

/**
 * A {@link BearerTokenAuthenticator} that decodes tokens as JWTs with a
 * {@link JwtDecoder} and converts them, by default with a
 * {@link JwtAuthenticationConverter} (scopes become {@code SCOPE_} authorities, the
 * subject the name).
 */
public final class JwtBearerTokenAuthenticator implements BearerTokenAuthenticator {

	private final JwtDecoder decoder;

	private final Converter<Jwt, ? extends AbstractAuthenticationToken> converter;

	/**
	 * Create an authenticator with the default {@link JwtAuthenticationConverter}.
	 * @param decoder the decoder
	 */
	public JwtBearerTokenAuthenticator(JwtDecoder decoder) {
		this(decoder, new JwtAuthenticationConverter());
	}

	/**
	 * Create an authenticator.
	 * @param decoder the decoder
	 * @param converter turns a decoded JWT into an authentication
	 */
	public JwtBearerTokenAuthenticator(JwtDecoder decoder,
			Converter<Jwt, ? extends AbstractAuthenticationToken> converter) {
		Assert.notNull(decoder, "decoder must not be null");
		Assert.notNull(converter, "converter must not be null");
		this.decoder = decoder;
		this.converter = converter;
	}

	@Override
	public Authentication authenticate(String token) {
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtException ex) {
			throw new InvalidBearerTokenException(ex.getMessage(), ex);
		}
		AbstractAuthenticationToken authentication = this.converter.convert(jwt);
		if (authentication == null) {
			throw new InvalidBearerTokenException("The JWT converter returned no authentication");
		}
		return authentication;
	}

}
