package io.easyrpc.middleware;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;

/**
 * Client middleware that adds an {@code authorization: Bearer <token>} metadata header to
 * every call. The token comes from the source registered for the call's target address,
 * or else from the default source. A call that already carries an {@code authorization}
 * header, for example one set with {@link io.easyrpc.RpcContext#withMetadata(Map)}, keeps
 * it.
 */
public final class BearerTokenClientMiddleware implements RpcClientMiddleware {

	/** Name of the metadata header that carries the credentials. */
	public static final String HEADER = "authorization";

	/** Authentication scheme of bearer tokens, followed by a space and the token. */
	public static final String SCHEME = "Bearer";

	private static final String PREFIX = SCHEME + " ";

	private final @Nullable BearerTokenSource defaultSource;

	private final Map<String, BearerTokenSource> targets;

	private BearerTokenClientMiddleware(@Nullable BearerTokenSource defaultSource,
			Map<String, BearerTokenSource> targets) {
		this.defaultSource = defaultSource;
		this.targets = Map.copyOf(targets);
	}

	/**
	 * Create a middleware that sends the tokens of one source to every target.
	 * @param source the source of tokens
	 * @return the middleware
	 */
	public static BearerTokenClientMiddleware of(BearerTokenSource source) {
		return builder().tokenSource(source).build();
	}

	/**
	 * Start building a middleware.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public @Nullable Object invoke(ClientInvocation invocation, Chain chain) throws Throwable {
		Map<String, String> headers = invocation.headers();
		if (!hasAuthorization(headers)) {
			BearerTokenSource source = source(invocation.target());
			String token = (source != null) ? source.token() : null;
			if (token != null && !token.isBlank()) {
				headers.put(HEADER, headerValue(token));
			}
		}
		return chain.proceed();
	}

	private @Nullable BearerTokenSource source(@Nullable String target) {
		if (!this.targets.isEmpty() && target != null) {
			BearerTokenSource source = this.targets.get(target);
			if (source == null) {
				source = this.targets.get(normalize(target));
			}
			if (source != null) {
				return source;
			}
		}
		return this.defaultSource;
	}

	/**
	 * Return the value of an {@code authorization} header for a token: the token after
	 * {@code Bearer }, unless it already starts with the scheme.
	 * @param token the token
	 * @return the header value
	 */
	public static String headerValue(String token) {
		String trimmed = token.strip();
		return (trimmed.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
				? PREFIX + trimmed.substring(PREFIX.length()).strip() : PREFIX + trimmed;
	}

	/**
	 * Return the token of a bearer {@code authorization} header value.
	 * @param headerValue the header value, for example {@code Bearer abc}
	 * @return the token, or {@code null} if the value does not use the bearer scheme or
	 * carries no token
	 */
	public static @Nullable String bearerToken(@Nullable String headerValue) {
		if (headerValue == null) {
			return null;
		}
		String value = headerValue.strip();
		if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
			return null;
		}
		String token = value.substring(PREFIX.length()).strip();
		return token.isEmpty() ? null : token;
	}

	/**
	 * Return the {@code authorization} header of a call, whatever the case of its name.
	 * @param headers the metadata headers
	 * @return the header value, or {@code null}
	 */
	public static @Nullable String authorization(Map<String, String> headers) {
		String value = headers.get(HEADER);
		if (value != null) {
			return value;
		}
		for (Map.Entry<String, String> header : headers.entrySet()) {
			if (HEADER.equalsIgnoreCase(header.getKey())) {
				return header.getValue();
			}
		}
		return null;
	}

	private static boolean hasAuthorization(Map<String, String> headers) {
		return !headers.isEmpty() && authorization(headers) != null;
	}

	private static String normalize(String address) {
		try {
			return RpcAddress.parse(address).toString();
		}
		catch (IllegalArgumentException ex) {
			return address;
		}
	}

	@Override
	public String toString() {
		return "BearerTokenClientMiddleware" + ((this.targets.isEmpty()) ? "" : " " + this.targets.keySet());
	}

	/**
	 * Builder of {@link BearerTokenClientMiddleware}.
	 */
	public static final class Builder {

		private @Nullable BearerTokenSource defaultSource;

		private final Map<String, BearerTokenSource> targets = new LinkedHashMap<>();

		private Builder() {
		}

		/**
		 * Send a fixed token to every target that has no source of its own.
		 * @param token the token, or {@code null}/empty for none
		 * @return this builder
		 */
		public Builder token(@Nullable String token) {
			return tokenSource(BearerTokenSource.of(token));
		}

		/**
		 * Send the tokens of a source to every target that has no source of its own.
		 * @param source the source
		 * @return this builder
		 */
		public Builder tokenSource(BearerTokenSource source) {
			this.defaultSource = Objects.requireNonNull(source, "source must not be null");
			return this;
		}

		/**
		 * Send a fixed token to one target instead of the default.
		 * @param address the target address, for example {@code tcp://localhost:7070}
		 * @param token the token, or {@code null}/empty to send no token to this target
		 * @return this builder
		 * @throws IllegalArgumentException if the address is not valid
		 */
		public Builder target(String address, @Nullable String token) {
			return target(address, BearerTokenSource.of(token));
		}

		/**
		 * Send the tokens of a source to one target instead of the default.
		 * @param address the target address, for example {@code tcp://localhost:7070}
		 * @param source the source, which replaces one registered before for the same
		 * address
		 * @return this builder
		 * @throws IllegalArgumentException if the address is not valid
		 */
		public Builder target(String address, BearerTokenSource source) {
			Objects.requireNonNull(source, "source must not be null");
			this.targets.put(RpcAddress.parse(address).toString(), source);
			return this;
		}

		/**
		 * Build the middleware.
		 * @return the middleware
		 */
		public BearerTokenClientMiddleware build() {
			return new BearerTokenClientMiddleware(this.defaultSource, this.targets);
		}

	}

}
