package io.easyrpc.client;

import java.time.Duration;

/**
 * Per-method options of a client interface method.
 *
 * @param name the method name in the key, or {@code null} for the Java method name
 * @param oneWay whether the call is a notification without a response
 * @param timeout the deadline of each call, or {@code null} for the client's default
 */
public record ClientMethodOptions(String name, boolean oneWay, Duration timeout) {

	/** The default options. */
	public static final ClientMethodOptions DEFAULT = new ClientMethodOptions(null, false, null);

}
