package io.easyrpc.client;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.easyrpc.RpcMethod;
import io.easyrpc.RpcMethodLookup;
import org.jspecify.annotations.Nullable;

/**
 * Per-method options of a client interface method.
 *
 * @param name the method name in the key, or {@code null} for the Java method name
 * @param oneWay whether the call is a notification without a response
 * @param timeout the deadline of each call, or {@code null} for the client's default
 * @param idempotent whether calls carry an idempotency key and may be re-attached and
 * retried, see {@link RpcMethod#idempotent()}
 * @param namedArguments whether the arguments are sent as a map from parameter names to
 * values, see {@link RpcMethod#namedArguments()}
 */
public record ClientMethodOptions(@Nullable String name, boolean oneWay, @Nullable Duration timeout, boolean idempotent,
		boolean namedArguments) {

	/** The default options. */
	public static final ClientMethodOptions DEFAULT = new ClientMethodOptions(null, false, null, false, false);

	private static final Pattern SIMPLE_DURATION = Pattern.compile("^([+-]?\\d+)([a-zA-Z]{0,2})$");

	private static final Map<String, ChronoUnit> UNITS = Map.of("", ChronoUnit.MILLIS, "ns", ChronoUnit.NANOS, "us",
			ChronoUnit.MICROS, "ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h",
			ChronoUnit.HOURS, "d", ChronoUnit.DAYS);

	/**
	 * Create options of a method that is not idempotent.
	 * @param name the method name in the key, or {@code null} for the Java method name
	 * @param oneWay whether the call is a notification without a response
	 * @param timeout the deadline of each call, or {@code null} for the client's default
	 */
	public ClientMethodOptions(@Nullable String name, boolean oneWay, @Nullable Duration timeout) {
		this(name, oneWay, timeout, false, false);
	}

	/**
	 * Create options of a method whose arguments are sent by position.
	 * @param name the method name in the key, or {@code null} for the Java method name
	 * @param oneWay whether the call is a notification without a response
	 * @param timeout the deadline of each call, or {@code null} for the client's default
	 * @param idempotent whether calls carry an idempotency key and may be re-attached and
	 * retried
	 */
	public ClientMethodOptions(@Nullable String name, boolean oneWay, @Nullable Duration timeout, boolean idempotent) {
		this(name, oneWay, timeout, idempotent, false);
	}

	/**
	 * Return a copy with another deadline.
	 * @param timeout the deadline of each call, or {@code null} for the client's default
	 * @return the options
	 */
	public ClientMethodOptions withTimeout(@Nullable Duration timeout) {
		return new ClientMethodOptions(this.name, this.oneWay, timeout, this.idempotent, this.namedArguments);
	}

	/**
	 * Return a copy that is, or is not, idempotent.
	 * @param idempotent whether calls carry an idempotency key
	 * @return the options
	 */
	public ClientMethodOptions withIdempotent(boolean idempotent) {
		return new ClientMethodOptions(this.name, this.oneWay, this.timeout, idempotent, this.namedArguments);
	}

	/**
	 * Return a copy whose arguments are, or are not, sent by parameter name.
	 * @param namedArguments whether arguments are sent as a map of parameter names
	 * @return the options
	 */
	public ClientMethodOptions withNamedArguments(boolean namedArguments) {
		return new ClientMethodOptions(this.name, this.oneWay, this.timeout, this.idempotent, namedArguments);
	}

	/**
	 * Return the options of a client interface method from its
	 * {@link RpcMethod @RpcMethod} annotation (on the method or the interface method it
	 * redeclares). The timeout is a number with an optional unit ({@code ns}, {@code us},
	 * {@code ms} (the default), {@code s}, {@code m}, {@code h}, {@code d}), such as
	 * {@code 300ms} or {@code 2s}, or an ISO-8601 duration such as {@code PT2S}.
	 * @param method the interface method
	 * @param lookup how annotations are found, for example
	 * {@link RpcMethodLookup#standard()}
	 * @return the options, {@link #DEFAULT} if the method is not annotated
	 * @throws IllegalStateException if the annotation's timeout is not a duration, with a
	 * message naming the method
	 */
	public static ClientMethodOptions annotated(Method method, RpcMethodLookup lookup) {
		RpcMethod annotation = lookup.find(method);
		if (annotation == null) {
			return DEFAULT;
		}
		Duration timeout = null;
		if (!annotation.timeout().isBlank()) {
			try {
				timeout = parseDuration(annotation.timeout().trim());
			}
			catch (IllegalArgumentException | DateTimeParseException | ArithmeticException ex) {
				throw new IllegalStateException("Invalid @RpcMethod(timeout = \"" + annotation.timeout() + "\") on "
						+ method + ": " + ex.getMessage(), ex);
			}
		}
		return new ClientMethodOptions(annotation.name().isEmpty() ? null : annotation.name(), annotation.oneWay(),
				timeout, annotation.idempotent(), annotation.namedArguments());
	}

	private static Duration parseDuration(String text) {
		String upper = text.toUpperCase(Locale.ROOT);
		if (upper.startsWith("P") || upper.startsWith("-P") || upper.startsWith("+P")) {
			return Duration.parse(text);
		}
		Matcher matcher = SIMPLE_DURATION.matcher(text);
		ChronoUnit unit = matcher.matches() ? UNITS.get(matcher.group(2).toLowerCase(Locale.ROOT)) : null;
		if (unit == null) {
			throw new IllegalArgumentException("'" + text + "' is not a duration such as 300ms, 2s or PT2S");
		}
		return Duration.of(Long.parseLong(matcher.group(1)), unit);
	}

}
