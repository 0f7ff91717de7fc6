package io.easyrpc.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations easyrpc records and their keys. Both sides use the same keys.
 */
public enum EasyRpcObservationDocumentation implements ObservationDocumentation {

	/**
	 * A call served: from its arrival to its outcome.
	 */
	SERVER_REQUESTS(DefaultEasyRpcServerObservationConvention.class),

	/**
	 * A call made by a client: from its start to its outcome.
	 */
	CLIENT_REQUESTS(DefaultEasyRpcClientObservationConvention.class);

	private final Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention;

	EasyRpcObservationDocumentation(
			Class<? extends ObservationConvention<? extends Observation.Context>> defaultConvention) {
		this.defaultConvention = defaultConvention;
	}

	@Override
	public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
		return this.defaultConvention;
	}

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return LowCardinalityKeyNames.values();
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return HighCardinalityKeyNames.values();
	}

	/**
	 * Low-cardinality keys, also tags of the timers.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The protocol of the call: {@code easyrpc}, or {@code msgpack-rpc} for a call a
		 * MessagePack-RPC peer made on the server's port.
		 */
		SYSTEM("rpc.system"),

		/** The service part of the method key, with its group. */
		SERVICE("rpc.service"),

		/** The method part of the method key. */
		METHOD("rpc.method"),

		/**
		 * {@code unary}, {@code one_way}, {@code server_stream}, {@code client_stream} or
		 * {@code bidi_stream}.
		 */
		TYPE("rpc.type"),

		/** The status name, for example {@code OK} or {@code NOT_FOUND}. */
		STATUS("rpc.status"),

		/** How the call travels: {@code tcp}, {@code inproc} or {@code websocket}. */
		TRANSPORT("rpc.transport");

		private final String key;

		LowCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * High-cardinality keys, on spans only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The address of the other side. */
		PEER_ADDRESS("network.peer.address"),

		/**
		 * The address of the instance a client call was sent to; client calls only, the
		 * last one if the call moved.
		 */
		INSTANCE("easyrpc.instance"),

		/** The stream items this side sent; streaming calls only. */
		MESSAGES_SENT("rpc.messages.sent"),

		/** The stream items this side received; streaming calls only. */
		MESSAGES_RECEIVED("rpc.messages.received");

		private final String key;

		HighCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
