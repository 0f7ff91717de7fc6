package io.easyrpc.server;

import java.util.Map;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The frame-level contract between a server's gateway routes
 * ({@link RpcServer.Builder#route(String, Target)}) and what they forward to. The server
 * hands a forwarded call over as it arrived, arguments still encoded, and passes on what
 * comes back the same way: a gateway never decodes payloads, and needs neither the
 * target's interfaces nor its types. The server does not know whether a forwarded call is
 * unary or a stream, so every frame of the call passes through in either direction.
 * <p>
 * {@code io.easyrpc.gateway.GatewayTarget} implements {@link Target} over a client
 * channel; applications use that class rather than these interfaces.
 */
public final class Forwarding {

	private Forwarding() {
	}

	/**
	 * Where a route forwards its calls.
	 */
	public interface Target {

		/**
		 * Describe the target in messages, for example its address.
		 * @return the description
		 */
		String describe();

		/**
		 * Start a forwarded call. Must not block. Any failure, including one right away,
		 * is reported to the listener.
		 * @param request the call as received, with its prefix removed
		 * @param listener takes what the target sends back; {@code null} for a
		 * notification
		 * @return the call, to pass on what the caller sends next
		 */
		Call open(Request request, @Nullable Listener listener);

	}

	/**
	 * A call to forward.
	 *
	 * @param methodKey the method key on the target, without the route's prefix
	 * @param headers the caller's metadata headers
	 * @param idempotencyKey the caller's idempotency key, or {@code null}
	 * @param session the gateway's session for the caller's session on this connection,
	 * or {@code null}
	 * @param deadlineNanos the caller's deadline on the clock of
	 * {@link System#nanoTime()}, {@code 0} for none
	 * @param payload the encoded arguments, as received
	 * @param oneWay whether the call is a notification
	 */
	public record Request(String methodKey, Map<String, String> headers, @Nullable String idempotencyKey,
			@Nullable RpcSession session, long deadlineNanos, byte[] payload, boolean oneWay) {
	}

	/**
	 * A forwarded call as the gateway drives it with what the caller sends. Any thread;
	 * what arrives before the call reached the target follows it.
	 */
	public interface Call {

		/**
		 * Pass on the caller's credit for more items of the target's stream.
		 * @param n the credit
		 */
		void requestN(int n);

		/**
		 * Pass on an item of the caller's stream.
		 * @param item the encoded item
		 */
		void next(byte[] item);

		/**
		 * Pass on the end of the caller's stream.
		 * @param failure the caller's failure, or {@code null} for a normal end
		 */
		void endInput(@Nullable RpcException failure);

		/**
		 * Cancel the call on the target.
		 */
		void cancel();

	}

	/**
	 * Takes what the target sends back for one forwarded call, exactly once one of
	 * {@link #response(ByteBuf)}, {@link #complete()}, {@link #error} or
	 * {@link #failed(RpcException)} ends it. Payloads are readable only during the call.
	 * Called on the target connection's event loop: must neither block nor throw.
	 */
	public interface Listener {

		/**
		 * The result; the call ends.
		 * @param payload the encoded result
		 */
		void response(ByteBuf payload);

		/**
		 * An item of the target's stream.
		 * @param payload the encoded item
		 */
		void next(ByteBuf payload);

		/**
		 * The end of the target's stream; the call ends.
		 */
		void complete();

		/**
		 * An error the target sent, to pass on unchanged; the call ends.
		 * @param statusCode the status code as received
		 * @param message the message or {@code null}
		 * @param errorClass the remote exception class or {@code null}
		 * @param stackTrace the remote stack trace or {@code null}
		 */
		void error(int statusCode, @Nullable String message, @Nullable String errorClass, @Nullable String stackTrace);

		/**
		 * A failure on the way to the target (no connection, deadline, a frame too
		 * large); the call ends.
		 * @param failure the failure
		 */
		void failed(RpcException failure);

		/**
		 * Credit from the target for more items of the caller's stream.
		 * @param n the credit
		 */
		void requestN(int n);

		/**
		 * The target wants no more items of the caller's stream; the call goes on.
		 */
		void cancelInput();

	}

}
