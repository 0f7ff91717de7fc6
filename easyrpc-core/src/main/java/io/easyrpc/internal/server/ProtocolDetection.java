package io.easyrpc.internal.server;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.logging.RateLimitedLog;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.mprpc.MsgpackStreamDecoder;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.transport.InboundMemory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells, by the first bytes a peer sends, an easyrpc connection from a MessagePack-RPC
 * one on the same port, and leaves the pipeline once it knows. An easyrpc peer starts
 * with the preface magic {@code ERPC}; a MessagePack-RPC peer with a request or
 * notification, an array of 3 or 4 elements whose first element is the type 0 or 2
 * ({@link MsgpackRpcCodec#detect}). On TLS the handler sits behind the TLS handler, so
 * the bytes it looks at are the first ones after the handshake.
 * <p>
 * Until it knows, what the server writes (its preface, a shared-secret challenge) is
 * held: a MessagePack-RPC peer must not receive easyrpc bytes. For an easyrpc peer the
 * held writes go out in order and nothing else changes. For a MessagePack-RPC peer they
 * are dropped, the easyrpc framing handlers are replaced by a
 * {@link MsgpackStreamDecoder}, and the {@link ServerConnection} serves MessagePack-RPC;
 * unless the server does not allow MessagePack-RPC on this connection, in which case the
 * connection is refused: the first request gets an {@code UNAUTHENTICATED} or
 * {@code PERMISSION_DENIED} error response, and the connection closes.
 * <p>
 * Any bytes that are neither go on to the easyrpc preface decoder, which refuses them as
 * before. Event loop only.
 */
final class ProtocolDetection extends ChannelDuplexHandler {

	/** The name of the handler in a pipeline. */
	static final String NAME = "easyrpcProtocol";

	/** The name of the MessagePack-RPC stream decoder in a pipeline. */
	static final String DECODER_NAME = "msgpackRpcDecoder";

	// The lines it logs are the connection's: they keep its category.
	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private static final RateLimitedLog warnings = new RateLimitedLog();

	private static final String[] EASYRPC_FRAMING = { "prefaceEncoder", "prefaceDecoder", "frameDecoder",
			"framePrepender" };

	private final ServerConnection connection;

	private final @Nullable Boolean enabled;

	private final int maxMessageSize;

	private final @Nullable InboundMemory memory;

	private final ArrayDeque<Object> held = new ArrayDeque<>();

	private @Nullable ByteBuf first;

	private @Nullable ChannelHandlerContext ctx;

	private boolean flushRequested;

	private boolean decided;

	/**
	 * Create the detection of one connection.
	 * @param connection the connection it decides for
	 * @param enabled whether MessagePack-RPC is served: {@code null} for unless the
	 * server requires a shared secret
	 * @param maxMessageSize the largest MessagePack-RPC message accepted
	 * @param memory the budget of incomplete messages, or {@code null}
	 */
	ProtocolDetection(ServerConnection connection, @Nullable Boolean enabled, int maxMessageSize,
			@Nullable InboundMemory memory) {
		this.connection = connection;
		this.enabled = enabled;
		this.maxMessageSize = maxMessageSize;
		this.memory = memory;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		// Whatever closes the channel, what is still held is released with it.
		ctx.channel().closeFuture().addListener((future) -> {
			ByteBuf bytes = this.first;
			if (bytes != null) {
				this.first = null;
				bytes.release();
			}
			dropHeld();
		});
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.decided || !(msg instanceof ByteBuf bytes)) {
			if (!this.decided && msg instanceof Preface) {
				easyrpc(ctx);
			}
			ctx.fireChannelRead(msg);
			return;
		}
		ByteBuf in;
		if (this.first == null) {
			in = bytes;
		}
		else {
			// Only the few bytes of a header ever wait here.
			in = this.first.writeBytes(bytes);
			bytes.release();
			this.first = null;
		}
		int detected = MsgpackRpcCodec.detect(in);
		if (detected < 0) {
			if (in == bytes) {
				this.first = ctx.alloc().heapBuffer(8).writeBytes(in);
				in.release();
			}
			else {
				this.first = in;
			}
			return;
		}
		if (detected == 0) {
			easyrpc(ctx);
		}
		else {
			msgpackRpc(ctx);
		}
		ctx.fireChannelRead(in);
	}

	/**
	 * Decide for easyrpc before the peer has said anything, when the server ends the
	 * connection itself: what it wrote goes out. Does nothing once decided.
	 */
	void settle() {
		ChannelHandlerContext context = this.ctx;
		if (!this.decided && context != null && !context.isRemoved()) {
			easyrpc(context);
		}
	}

	// The held writes go out, in order, and the handler steps aside.
	private void easyrpc(ChannelHandlerContext ctx) {
		this.decided = true;
		Object msg;
		while ((msg = this.held.poll()) != null) {
			PendingWrite write = (PendingWrite) msg;
			ctx.write(write.message(), write.promise());
		}
		if (this.flushRequested) {
			ctx.flush();
		}
		ctx.pipeline().remove(this);
	}

	private void msgpackRpc(ChannelHandlerContext ctx) {
		this.decided = true;
		dropHeld();
		ChannelPipeline pipeline = ctx.pipeline();
		for (String name : EASYRPC_FRAMING) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
		pipeline.addAfter(ctx.name(), DECODER_NAME, new MsgpackStreamDecoder(this.maxMessageSize, this.memory));
		String refusal = refusal();
		if (refusal == null) {
			this.connection.serveMsgpackRpc(true);
		}
		else {
			warnings.warn(logger, "msgpack-rpc-refused", "Refusing MessagePack-RPC client {}: {}",
					this.connection.remoteAddress(), LogSafe.text(refusal));
			this.connection.server().rejected("", "msgpack-rpc-refused");
			this.connection.serveMsgpackRpc(false);
			this.connection.refuseMsgpackRpc(
					(this.enabled == null) ? RpcStatus.UNAUTHENTICATED : RpcStatus.PERMISSION_DENIED, refusal);
		}
		pipeline.remove(this);
	}

	private @Nullable String refusal() {
		if (Boolean.FALSE.equals(this.enabled)) {
			return "this server does not serve MessagePack-RPC (easyrpc.server.msgpack-rpc.enabled is false, "
					+ "or it requires bearer tokens, which MessagePack-RPC cannot send)";
		}
		if (this.enabled == null && this.connection.server().sharedSecret() != null) {
			return "this server requires shared-secret authentication, which MessagePack-RPC cannot do "
					+ "(easyrpc.server.msgpack-rpc.enabled=true allows it without)";
		}
		return null;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (this.decided) {
			ctx.write(msg, promise);
		}
		else if (!ctx.channel().isOpen()) {
			ReferenceCountUtil.release(msg);
			promise.tryFailure(new ClosedChannelException());
		}
		else {
			this.held.add(new PendingWrite(msg, promise));
		}
	}

	@Override
	public void flush(ChannelHandlerContext ctx) {
		if (this.decided) {
			ctx.flush();
		}
		else {
			this.flushRequested = true;
		}
	}

	// An idle connection or an error before the peer said anything ends as it always
	// has: the easyrpc connection sends its preface and a GOAWAY, then closes.
	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (!this.decided && evt instanceof IdleStateEvent) {
			easyrpc(ctx);
		}
		ctx.fireUserEventTriggered(evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (!this.decided) {
			easyrpc(ctx);
		}
		ctx.fireExceptionCaught(cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		dropHeld();
		super.channelInactive(ctx);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.first != null) {
			// Removed from outside before it knew: the bytes go on with it.
			ByteBuf bytes = this.first;
			this.first = null;
			if (ctx.channel().isActive()) {
				ctx.fireChannelRead(bytes);
			}
			else {
				bytes.release();
			}
		}
		dropHeld();
	}

	private void dropHeld() {
		Object msg;
		while ((msg = this.held.poll()) != null) {
			PendingWrite write = (PendingWrite) msg;
			ReferenceCountUtil.release(write.message());
			write.promise().trySuccess();
		}
	}

	private record PendingWrite(Object message, ChannelPromise promise) {
	}

}
