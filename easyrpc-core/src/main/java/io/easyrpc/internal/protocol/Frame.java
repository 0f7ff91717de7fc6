package io.easyrpc.internal.protocol;

import java.util.Arrays;
import java.util.HexFormat;

import io.easyrpc.RpcStatus;
import io.netty.buffer.ByteBuf;

/**
 * A decoded inbound frame. Payloads are slices of the received buffer: they stay readable
 * only until the frame's buffer is released, so a handler decodes them before returning.
 */
public sealed interface Frame {

	/**
	 * Return the type of this frame.
	 * @return the type
	 */
	FrameType type();

	/**
	 * A call that expects a response.
	 *
	 * @param callId the call id, unique among the calls pending on the connection
	 * @param method the method key
	 * @param metadata the metadata
	 * @param payload the arguments: a MessagePack array (positional) or map (named)
	 */
	record Request(int callId, String method, Metadata metadata, ByteBuf payload) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.REQUEST;
		}

	}

	/**
	 * A one-way call.
	 *
	 * @param method the method key
	 * @param metadata the metadata
	 * @param payload the arguments: a MessagePack array (positional) or map (named)
	 */
	record Notification(String method, Metadata metadata, ByteBuf payload) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.NOTIFICATION;
		}

	}

	/**
	 * The result of a call.
	 *
	 * @param callId the call id
	 * @param payload the result as one MessagePack value
	 */
	record Response(int callId, ByteBuf payload) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.RESPONSE;
		}

	}

	/**
	 * The failure of a call.
	 *
	 * @param callId the call id
	 * @param statusCode the {@link io.easyrpc.RpcStatus} code
	 * @param message the message or {@code null}
	 * @param errorClass the class name of the remote exception or {@code null}
	 * @param stackTrace the remote stack trace or {@code null}
	 */
	record Error(int callId, int statusCode, String message, String errorClass, String stackTrace) implements Frame {

		/**
		 * The error class of an {@code ERROR} that refuses a call the server did not
		 * start (it is shutting down): the client may send the call to another instance.
		 */
		public static final String NOT_STARTED = "easyrpc:not-started";

		/**
		 * The error class of an {@code ERROR} (status {@code RESOURCE_EXHAUSTED}) that
		 * refuses a call the server did not start because it has reached its concurrency
		 * limit; followed by {@code ;retry-after-ms=N}, the delay it suggests before a
		 * retry.
		 */
		public static final String OVERLOADED = "easyrpc:overloaded";

		@Override
		public FrameType type() {
			return FrameType.ERROR;
		}

	}

	/**
	 * One item of a server stream.
	 *
	 * @param callId the call id of the stream
	 * @param payload the item as one MessagePack value
	 */
	record Next(int callId, ByteBuf payload) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.NEXT;
		}

	}

	/**
	 * The successful end of a server stream.
	 *
	 * @param callId the call id of the stream
	 */
	record Complete(int callId) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.COMPLETE;
		}

	}

	/**
	 * Credit for more items of a stream.
	 *
	 * @param callId the call id of the stream
	 * @param n how many more items the receiver accepts, at least 1
	 */
	record RequestN(int callId, int n) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.REQUEST_N;
		}

	}

	/**
	 * A cancellation of a pending call.
	 *
	 * @param callId the call id
	 * @param reason why the client gave up: {@link RpcStatus#CANCELLED} (the caller
	 * cancelled) or {@link RpcStatus#DEADLINE_EXCEEDED} (its deadline passed)
	 */
	record Cancel(int callId, RpcStatus reason) implements Frame {

		/**
		 * Create a cancellation by the caller.
		 * @param callId the call id
		 */
		public Cancel(int callId) {
			this(callId, RpcStatus.CANCELLED);
		}

		@Override
		public FrameType type() {
			return FrameType.CANCEL;
		}

	}

	/**
	 * A liveness probe.
	 *
	 * @param data opaque data that the {@link Pong} echoes
	 */
	record Ping(long data) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.PING;
		}

	}

	/**
	 * The answer to a {@link Ping}.
	 *
	 * @param data the data of the ping
	 */
	record Pong(long data) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.PONG;
		}

	}

	/**
	 * Notice that the sender closes the connection or accepts no new calls on it.
	 *
	 * @param statusCode the {@link io.easyrpc.RpcStatus} code that explains why
	 * @param message the message or {@code null}
	 */
	record GoAway(int statusCode, String message) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.GOAWAY;
		}

	}

	/**
	 * The server's challenge: prove knowledge of the shared secret over this nonce. Sent
	 * right after a preface that carries {@link Preface#FLAG_AUTH}.
	 *
	 * @param nonce the server's fresh random nonce of {@link SharedSecret#NONCE_LENGTH}
	 * bytes
	 */
	record AuthChallenge(byte[] nonce) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.AUTH_CHALLENGE;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof AuthChallenge that && Arrays.equals(this.nonce, that.nonce);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.nonce);
		}

		@Override
		public String toString() {
			return "AuthChallenge[nonce=" + HexFormat.of().formatHex(this.nonce) + "]";
		}

	}

	/**
	 * The client's answer to an {@link AuthChallenge}.
	 *
	 * @param nonce the client's fresh random nonce of {@link SharedSecret#NONCE_LENGTH}
	 * bytes
	 * @param proof the client's proof, see
	 * {@link SharedSecret#clientProof(byte[], byte[])}
	 */
	record AuthResponse(byte[] nonce, byte[] proof) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.AUTH_RESPONSE;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof AuthResponse that && Arrays.equals(this.nonce, that.nonce)
					&& Arrays.equals(this.proof, that.proof);
		}

		@Override
		public int hashCode() {
			return 31 * Arrays.hashCode(this.nonce) + Arrays.hashCode(this.proof);
		}

		@Override
		public String toString() {
			return "AuthResponse[nonce=" + HexFormat.of().formatHex(this.nonce) + ", proof="
					+ HexFormat.of().formatHex(this.proof) + "]";
		}

	}

	/**
	 * The server's acceptance of an {@link AuthResponse}.
	 *
	 * @param proof the server's proof, see
	 * {@link SharedSecret#serverProof(byte[], byte[])}
	 */
	record AuthOk(byte[] proof) implements Frame {

		@Override
		public FrameType type() {
			return FrameType.AUTH_OK;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof AuthOk that && Arrays.equals(this.proof, that.proof);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.proof);
		}

		@Override
		public String toString() {
			return "AuthOk[proof=" + HexFormat.of().formatHex(this.proof) + "]";
		}

	}

	/**
	 * A frame of a type that this version does not handle. Receivers ignore it, so that
	 * newer peers can add frame types.
	 *
	 * @param code the frame type code
	 * @param knownType the type, if the code is known but reserved, else {@code null}
	 */
	record Unsupported(int code, FrameType knownType) implements Frame {

		@Override
		public FrameType type() {
			return this.knownType;
		}

	}

}
