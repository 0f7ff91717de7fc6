package io.easyrpc.client;

/**
 * How a channel with several instances chooses the instance of each call. Calls of a
 * session stay on the instance the session started on, and a stream stays on one
 * instance, whatever the policy.
 */
public enum LoadBalancing {

	/** Each instance in turn. The default. */
	ROUND_ROBIN,

	/**
	 * The one with fewer calls in flight of two instances chosen at random ("power of two
	 * choices"): slow instances get fewer calls.
	 */
	LEAST_OUTSTANDING,

	/**
	 * Consistent hashing of the call's routing key (the argument annotated with
	 * {@link io.easyrpc.RoutingKey}): calls with one key go to one instance, and when an
	 * instance joins or leaves only about one key in N moves. Calls without a routing key
	 * go round robin.
	 */
	HASH

}
