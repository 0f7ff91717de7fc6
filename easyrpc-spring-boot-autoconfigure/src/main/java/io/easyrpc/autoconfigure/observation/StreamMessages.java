package io.easyrpc.autoconfigure.observation;

/**
 * The stream item counts of one call, kept by both observation contexts (which extend
 * different Micrometer base classes, so they share this state by holding it).
 */
final class StreamMessages {

	private boolean recorded;

	private long sent;

	private long received;

	void set(long sent, long received) {
		this.recorded = true;
		this.sent = sent;
		this.received = received;
	}

	boolean recorded() {
		return this.recorded;
	}

	long sent() {
		return this.sent;
	}

	long received() {
		return this.received;
	}

}
