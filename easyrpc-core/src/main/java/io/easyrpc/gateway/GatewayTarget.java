package io.easyrpc.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import io.easyrpc.RpcContext;
import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.client.CallOptions;
import io.easyrpc.internal.client.CallRouter;
import io.easyrpc.internal.client.ClientCall;
import io.easyrpc.internal.client.ForwardedCall;
import io.easyrpc.internal.client.RouterAccess;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.server.Forwarding;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The target of a gateway route: forwards the calls a server receives under a key prefix
 * through an ordinary client channel, frame by frame and without decoding their payloads.
 * <pre class="code">
 * RpcChannel inventory = RpcChannel.builder(RpcAddress.parse("tcp://inventory:7070")).build();
 * RpcServer gateway = RpcServer.builder()
 *     .address(RpcAddress.tcp("0.0.0.0", 7070))
 *     .route("inventory", GatewayTarget.of(inventory))
 *     .build();
 * // a call to "inventory/Inventory.find" on the gateway runs "Inventory.find" on the target
 * </pre>
 * <p>
 * Everything the channel does for its own calls applies to forwarded ones: its instances
 * and balancing, its shared secret and TLS, its processors and observers. A forwarded
 * call carries the caller's headers and idempotency key and what remains of its deadline;
 * a call in a session goes to the connection the gateway's session for it is bound to.
 * The channel is not closed by the server: close it after the server stops.
 */
public final class GatewayTarget implements Forwarding.Target {

	private final CallRouter router;

	private final String description;

	private GatewayTarget(RpcChannel channel) {
		this.router = RouterAccess.of(channel);
		this.description = channel.address().toString();
	}

	/**
	 * Return a target that forwards through a channel.
	 * @param channel the channel to the target
	 * @return the target
	 */
	public static GatewayTarget of(RpcChannel channel) {
		return new GatewayTarget(Objects.requireNonNull(channel, "channel must not be null"));
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public Forwarding.Call open(Forwarding.Request request, Forwarding.@Nullable Listener listener) {
		Duration timeout = null;
		if (request.deadlineNanos() != 0) {
			long remaining = request.deadlineNanos() - System.nanoTime();
			if (remaining <= 0) {
				RpcException expired = new RpcException(RpcStatus.DEADLINE_EXCEEDED,
						"Deadline passed before " + request.methodKey() + " was forwarded");
				if (listener != null) {
					listener.failed(expired);
				}
				return Closed.INSTANCE;
			}
			timeout = Duration.ofNanos(remaining);
		}
		CallOptions options = CallOptions.forward(request.methodKey(), timeout, request.oneWay());
		Metadata metadata = new Metadata(0, request.idempotencyKey(), null, request.headers());
		Relay relay = new Relay(listener);
		Object[] arguments = ForwardedCall.arguments(request.payload(), relay);
		RpcSession session = request.session();
		ClientCall call;
		// The router takes the session that is current: the gateway's own session for
		// the caller's, never one the calling thread may have open.
		try (RpcContext.Scope scope = (session != null) ? session.enter() : null) {
			call = this.router.start(options, arguments, metadata, null, null);
		}
		ForwardedCall forwarded = (ForwardedCall) call;
		forwarded.whenComplete((result, failure) -> relay.ended(failure));
		return new Call(forwarded);
	}

	@Override
	public String toString() {
		return "GatewayTarget " + this.description;
	}

	/**
	 * Passes on what the target sends to the server's listener.
	 */
	private static final class Relay implements ForwardedCall.Relay {

		private final Forwarding.@Nullable Listener listener;

		// Event loop of the target connection, which also completes the call after them.
		private boolean answered;

		Relay(Forwarding.@Nullable Listener listener) {
			this.listener = listener;
		}

		@Override
		public void onResponse(ByteBuf payload) {
			this.answered = true;
			if (this.listener != null) {
				this.listener.response(payload);
			}
		}

		@Override
		public void onNext(ByteBuf payload) {
			if (this.listener != null) {
				this.listener.next(payload);
			}
		}

		@Override
		public void onError(Frame.Error error) {
			this.answered = true;
			if (this.listener != null) {
				this.listener.error(error.statusCode(), error.message(), error.errorClass(), error.stackTrace());
			}
		}

		@Override
		public void onRequestN(int n) {
			if (this.listener != null) {
				this.listener.requestN(n);
			}
		}

		@Override
		public void onCancelInput() {
			if (this.listener != null) {
				this.listener.cancelInput();
			}
		}

		void ended(@Nullable Throwable failure) {
			if (this.listener == null || this.answered) {
				return;
			}
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (cause == null) {
				this.listener.complete();
			}
			else if (cause instanceof RpcException rpc) {
				this.listener.failed(rpc);
			}
			else if (!(cause instanceof CancellationException)) {
				this.listener.failed(new RpcException(RpcStatus.INTERNAL, String.valueOf(cause.getMessage()), cause));
			}
		}

	}

	/**
	 * The caller's side of a forwarded call.
	 */
	private static final class Call implements Forwarding.Call {

		private final ForwardedCall call;

		Call(ForwardedCall call) {
			this.call = call;
		}

		@Override
		public void requestN(int n) {
			this.call.requestN(n);
		}

		@Override
		public void next(byte[] item) {
			this.call.next(item);
		}

		@Override
		public void endInput(@Nullable RpcException failure) {
			this.call.endInput(failure);
		}

		@Override
		public void cancel() {
			this.call.cancel(false);
		}

	}

	/**
	 * A call that never started.
	 */
	private static final class Closed implements Forwarding.Call {

		static final Closed INSTANCE = new Closed();

		@Override
		public void requestN(int n) {
		}

		@Override
		public void next(byte[] item) {
		}

		@Override
		public void endInput(@Nullable RpcException failure) {
		}

		@Override
		public void cancel() {
		}

	}

}
