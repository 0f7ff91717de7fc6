package io.easyrpc.autoconfigure.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations easyrpc records and their keys.
 */
public enum EasyRpcObservationDocumentation implements ObservationDocumentation {

	/**
	 * A call served: from its arrival to its outcome.
	 */
	SERVER_REQUESTS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultEasyRpcServerObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	},

	/**
	 * A call made by a client: from its start to its outcome.
	 */
	CLIENT_REQUESTS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultEasyRpcClientObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Low-cardinality keys, also tags of the timers.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/** Always {@code easyrpc}. */
		SYSTEM {

			@Override
			public String asString() {
				return "rpc.system";
			}

		},

		/** The service part of the method key, with its group. */
		SERVICE {

			@Override
			public String asString() {
				return "rpc.service";
			}

		},

		/** The method part of the method key. */
		METHOD {

			@Override
			public String asString() {
				return "rpc.method";
			}

		},

		/**
		 * {@code unary}, {@code one_way}, {@code server_stream}, {@code client_stream} or
		 * {@code bidi_stream}.
		 */
		TYPE {

			@Override
			public String asString() {
				return "rpc.type";
			}

		},

		/** The status name, for example {@code OK} or {@code NOT_FOUND}. */
		STATUS {

			@Override
			public String asString() {
				return "rpc.status";
			}

		},

		/** How the call travels: {@code tcp}, {@code inproc} or {@code websocket}. */
		TRANSPORT {

			@Override
			public String asString() {
				return "rpc.transport";
			}

		}

	}

	/**
	 * High-cardinality keys, on spans only.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The address of the other side. */
		PEER_ADDRESS {

			@Override
			public String asString() {
				return "network.peer.address";
			}

		},

		/** The stream items this side sent; streaming calls only. */
		MESSAGES_SENT {

			@Override
			public String asString() {
				return "rpc.messages.sent";
			}

		},

		/** The stream items this side received; streaming calls only. */
		MESSAGES_RECEIVED {

			@Override
			public String asString() {
				return "rpc.messages.received";
			}

		}

	}

}
