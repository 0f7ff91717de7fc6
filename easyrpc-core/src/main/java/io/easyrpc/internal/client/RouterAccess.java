package io.easyrpc.internal.client;

import java.util.function.Function;

/**
 * Hands out the {@link CallRouter} of a public channel to engine code that forwards calls
 * through it (a gateway), without a public method on the API class. The channel class
 * registers the accessor when it is initialized.
 */
public final class RouterAccess {

	private static volatile Function<Object, CallRouter> access;

	private RouterAccess() {
	}

	/**
	 * Register the accessor; only the first registration counts.
	 * @param accessor returns a channel's router
	 */
	public static void register(Function<Object, CallRouter> accessor) {
		synchronized (RouterAccess.class) {
			if (access != null) {
				throw new IllegalStateException("Router access is already registered");
			}
			access = accessor;
		}
	}

	/**
	 * Return the router of a channel.
	 * @param channel the channel, whose class is initialized since it exists
	 * @return its router
	 */
	public static CallRouter of(Object channel) {
		return access.apply(channel);
	}

}
