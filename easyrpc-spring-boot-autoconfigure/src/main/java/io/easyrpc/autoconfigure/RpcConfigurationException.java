package io.easyrpc.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up for an easyrpc setting the starter cannot work with: a missing or
 * malformed address, an unknown SSL bundle, an invalid IP range, options that contradict
 * each other, a key given twice. Its message says what is wrong and names the property;
 * {@link #getProperty()} and {@link #getAction()} let the start-up failure report say
 * where the value came from and what to change.
 */
public class RpcConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String property;

	private final @Nullable String action;

	/**
	 * Create an exception.
	 * @param property the property to change, {@code null} if the mistake is not in one
	 * property (an annotation, for example)
	 * @param message what is wrong, naming the property
	 * @param action what to change, {@code null} for the general advice to correct the
	 * property
	 */
	public RpcConfigurationException(@Nullable String property, String message, @Nullable String action) {
		super(message);
		this.property = property;
		this.action = action;
	}

	/**
	 * Create an exception with the failure that revealed the mistake.
	 * @param property the property to change, {@code null} if the mistake is not in one
	 * property
	 * @param message what is wrong, naming the property
	 * @param action what to change, {@code null} for the general advice
	 * @param cause the failure, such as a parser's
	 */
	public RpcConfigurationException(@Nullable String property, String message, @Nullable String action,
			@Nullable Throwable cause) {
		super(message, cause);
		this.property = property;
		this.action = action;
	}

	/**
	 * Create an exception whose action is to correct the property.
	 * @param property the property to change
	 * @param message what is wrong, naming the property
	 */
	public RpcConfigurationException(String property, String message) {
		this(property, message, null);
	}

	/**
	 * Return the property to change.
	 * @return the property, or {@code null}
	 */
	public @Nullable String getProperty() {
		return this.property;
	}

	/**
	 * Return what to change.
	 * @return the action, or {@code null} for the general advice
	 */
	public @Nullable String getAction() {
		return this.action;
	}

}
