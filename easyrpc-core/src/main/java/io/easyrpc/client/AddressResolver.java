package io.easyrpc.client;

import java.util.List;

import io.easyrpc.transport.RpcAddress;

/**
 * Where the instances of a target are: a fixed list of addresses, or a registry that
 * tells of instances as they come and go. A channel starts its resolver once, when it is
 * built, and closes it when the channel closes.
 * <p>
 * A resolver reports the whole current list each time it changes; the channel connects to
 * addresses that are new, lets connections to addresses that are gone finish their calls
 * and close them, and keeps the others as they are. Implementations may call the listener
 * from any thread, but one call at a time.
 */
public interface AddressResolver extends AutoCloseable {

	/**
	 * Start resolving. Called once.
	 * @param listener told of the addresses, and of failures to find them
	 */
	void start(Listener listener);

	/**
	 * Ask for a fresh list, for example after every instance failed. A resolver that
	 * learns of changes by itself may ignore it.
	 */
	default void refresh() {
	}

	/**
	 * Stop resolving; the listener is not called any more.
	 */
	@Override
	default void close() {
	}

	/**
	 * Return a resolver of a fixed list of addresses.
	 * @param addresses the addresses, at least one, no duplicates
	 * @return the resolver
	 */
	static AddressResolver of(List<RpcAddress> addresses) {
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException("A target needs at least one address");
		}
		if (addresses.stream().distinct().count() != addresses.size()) {
			throw new IllegalArgumentException("The addresses of a target must differ: " + addresses);
		}
		List<RpcAddress> fixed = List.copyOf(addresses);
		return new AddressResolver() {

			@Override
			public void start(Listener listener) {
				listener.onAddresses(fixed);
			}

			@Override
			public String toString() {
				return fixed.toString();
			}

		};
	}

	/**
	 * Told of the addresses of a target.
	 */
	interface Listener {

		/**
		 * The current addresses; replaces the previous list. An empty list means that no
		 * instance is known: calls fail with {@code UNAVAILABLE} until one is.
		 * @param addresses the addresses
		 */
		void onAddresses(List<RpcAddress> addresses);

		/**
		 * Looking the addresses up failed; the previous list, if any, stays in use. Calls
		 * fail with {@code UNAVAILABLE} naming the error while no address was ever found.
		 * @param error the failure
		 */
		void onError(Throwable error);

	}

}
