package io.easyrpc.middleware;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the bearer token that {@link BearerTokenClientMiddleware} sends with a call.
 * It is asked once per call, on the thread that calls the client proxy, so it may return
 * a token that was refreshed since the previous call.
 */
@FunctionalInterface
public interface BearerTokenSource {

	/**
	 * Return the token for the next call, without the {@code Bearer} scheme.
	 * @return the token, or {@code null} or an empty string to send the call without an
	 * {@code authorization} header
	 */
	@Nullable String token();

	/**
	 * Return a source that always supplies the same token.
	 * @param token the token, or {@code null}/empty for none
	 * @return the source
	 */
	static BearerTokenSource of(@Nullable String token) {
		return () -> token;
	}

}
