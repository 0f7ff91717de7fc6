package io.easyrpc.benchmark.driver;

/**
 * One way of making the benchmark call, asynchronously, over a single client (one
 * connection per server instance).
 */
interface LoadTarget extends AutoCloseable {

	/** The short string every call carries. */
	String NAME = "easyrpc-benchmark";

	/**
	 * Start one call and report its outcome to {@code completion} on any thread.
	 * @param slot the slot of the closed loop making the call
	 * @param id the call's number
	 * @param completion receives the outcome
	 */
	void call(int slot, long id, Completion completion);

	@Override
	void close();

	/**
	 * Receives the outcome of a call.
	 */
	@FunctionalInterface
	interface Completion {

		/**
		 * Called once per call.
		 * @param slot the slot that made the call
		 * @param success whether the call returned the payload it sent
		 */
		void completed(int slot, boolean success);

	}

}
