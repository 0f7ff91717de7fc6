package io.easyrpc.internal.server;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.easyrpc.server.RpcServer;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.internal.transport.FrameBodyDecoder;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportResources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.local.LocalAddress;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server connection carried by a message-oriented transport, such as a WebSocket
 * session, instead of a socket the server accepted. Each message, in either direction,
 * holds one unit of the protocol: the first one the {@linkplain Preface preface}, every
 * later one exactly one frame body, without the length prefix that TCP needs. Everything
 * else (authentication, limits, keep-alive, streams) is the same as on TCP.
 * <p>
 * Opened by {@link RpcServer#openMessageConnection}. The transport hands each message it
 * receives to {@link #receive(ByteBuffer, boolean)}, in order, from one thread at a time,
 * and the server's messages go to the {@link Sink}. A message larger than the server's
 * maximum frame size is refused the way TCP refuses an oversized frame: with a
 * {@code GOAWAY} frame ({@code RESOURCE_EXHAUSTED}), after which the connection ends.
 */
public final class MessageConnection {

	private static final Logger logger = LoggerFactory.getLogger(MessageConnection.class);

	private static final long OPEN_TIMEOUT_SECONDS = 10;

	private final Channel channel;

	private final int maxFrameSize;

	private final SocketAddress remoteAddress;

	private final Sink sink;

	// The message being assembled from parts.
	private @Nullable ByteBuf partial;

	private boolean prefaceReceived;

	private boolean failed;

	private MessageConnection(Channel channel, int maxFrameSize, SocketAddress remoteAddress, Sink sink) {
		this.channel = channel;
		this.maxFrameSize = maxFrameSize;
		this.remoteAddress = remoteAddress;
		this.sink = sink;
	}

	/**
	 * Open a message connection to a server's bridge address.
	 * @param resources the server's transport resources
	 * @param server the bridge address
	 * @param opening the client-side address the server looks the peer up by
	 * @param maxFrameSize the largest frame accepted
	 * @param remoteAddress the peer's address
	 * @param transportSink where the server's messages go
	 * @return the connection, open
	 */
	public static MessageConnection open(TransportResources resources, RpcAddress server, LocalAddress opening,
			int maxFrameSize, SocketAddress remoteAddress, Sink transportSink) {
		Sink sink = new ClosingOnce(transportSink);
		ChannelFuture connect = resources.connectInProcess(server, opening, new ChannelInitializer<>() {

			@Override
			protected void initChannel(Channel channel) {
				channel.pipeline().addLast("sink", new SinkHandler(sink));
			}

		});
		if (!connect.awaitUninterruptibly(OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			connect.cancel(false);
			throw new IllegalStateException("Timed out opening an easyrpc connection for " + opening);
		}
		if (!connect.isSuccess()) {
			throw new IllegalStateException("Could not open an easyrpc connection: " + connect.cause(),
					connect.cause());
		}
		return new MessageConnection(connect.channel(), maxFrameSize, remoteAddress, sink);
	}

	/**
	 * Hand on a message, or a part of one, that the peer sent. Parts are joined until the
	 * last one arrives. The bytes are copied; the buffer may be reused once this returns.
	 * @param part the message, or the next part of it
	 * @param last whether this completes the message
	 */
	public synchronized void receive(ByteBuffer part, boolean last) {
		if (this.failed || !this.channel.isActive()) {
			return;
		}
		int size = part.remaining();
		int length = ((this.partial != null) ? this.partial.readableBytes() : 0) + size;
		if (!this.prefaceReceived) {
			if (length > Preface.LENGTH || (last && length != Preface.LENGTH)) {
				fail("the first message must be the " + Preface.LENGTH + "-byte easyrpc preface, not " + length
						+ " bytes" + (last ? "" : " or more"));
				return;
			}
		}
		else if (length > this.maxFrameSize) {
			// Refused by the server connection with GOAWAY, exactly as on TCP, before
			// the rest of the message is buffered.
			release();
			this.failed = true;
			this.channel.writeAndFlush(FrameBodyDecoder.frameTooLarge(length, this.maxFrameSize),
					this.channel.voidPromise());
			return;
		}
		if (this.partial == null) {
			if (last) {
				// The common case, a whole frame in one message: one copy.
				handOn(Unpooled.buffer(size).writeBytes(part));
				return;
			}
			this.partial = Unpooled.buffer(size);
		}
		this.partial.writeBytes(part);
		if (last) {
			ByteBuf message = this.partial;
			this.partial = null;
			handOn(message);
		}
	}

	// The first message becomes the Preface, or the error that it is not one, which the
	// server connection answers as it does on TCP; every later one is a frame body.
	private void handOn(ByteBuf message) {
		Object unit = message;
		if (!this.prefaceReceived) {
			this.prefaceReceived = true;
			try {
				unit = Preface.readFrom(message);
			}
			catch (ProtocolException ex) {
				this.failed = true;
				unit = ex;
			}
			finally {
				message.release();
			}
		}
		this.channel.writeAndFlush((unit instanceof ByteBuf body) ? new DefaultByteBufHolder(body) : unit,
				this.channel.voidPromise());
	}

	private void fail(String reason) {
		this.failed = true;
		release();
		logger.warn("Closing easyrpc message connection from {}: {}", this.remoteAddress, reason);
		this.sink.close(reason);
		this.channel.close();
	}

	private void release() {
		if (this.partial != null) {
			this.partial.release();
			this.partial = null;
		}
	}

	/**
	 * End the connection because its transport has closed: calls in flight are cancelled
	 * and session state is dropped, as when a socket closes.
	 */
	public synchronized void close() {
		release();
		this.channel.close();
	}

	/**
	 * Return whether the connection is open.
	 * @return {@code true} until either side has closed it
	 */
	public boolean isOpen() {
		return this.channel.isActive();
	}

	/**
	 * Where the server's messages go: the transport's sending side.
	 */
	public interface Sink {

		/**
		 * Send one message to the peer: the preface first, then one frame body each.
		 * Called on an event loop, in order, and must not block: a transport whose send
		 * can block hands the message to a thread of its own.
		 * @param message the message; the array is the sink's from now on
		 */
		void send(byte[] message);

		/**
		 * Close the transport, after the messages already sent. Called once.
		 * @param reason {@code null} when the server ended the connection in an orderly
		 * way (its last message says why, if it is a {@code GOAWAY} frame), otherwise why
		 * the peer's messages were refused
		 */
		void close(@Nullable String reason);

	}

	/**
	 * Who is on the other side of a message connection.
	 *
	 * @param transport the transport name
	 * @param remoteAddress the peer's address
	 * @param localAddress this side's address
	 */
	public record Peer(String transport, SocketAddress remoteAddress, @Nullable SocketAddress localAddress) {
	}

	private static final class ClosingOnce implements Sink {

		private final Sink sink;

		private final AtomicBoolean closed = new AtomicBoolean();

		ClosingOnce(Sink sink) {
			this.sink = sink;
		}

		@Override
		public void send(byte[] message) {
			this.sink.send(message);
		}

		@Override
		public void close(@Nullable String reason) {
			if (this.closed.compareAndSet(false, true)) {
				this.sink.close(reason);
			}
		}

	}

	/**
	 * The first handler of the server side of a message connection. An in-process channel
	 * may join buffers written one after the other, so each frame body crosses it wrapped
	 * in a {@link ByteBufHolder}, which keeps it a message of its own; this handler
	 * unwraps what arrives and wraps what the server writes. An error that the connection
	 * found in the peer's messages arrives as a message too and is raised here, so that
	 * the server connection answers it as it answers a protocol error on TCP.
	 */
	@Sharable
	public static final class Bodies extends ChannelDuplexHandler {

		public static final Bodies INSTANCE = new Bodies();

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ProtocolException error) {
				ctx.fireExceptionCaught(error);
			}
			else if (msg instanceof ByteBufHolder body) {
				ctx.fireChannelRead(body.content());
			}
			else {
				ctx.fireChannelRead(msg);
			}
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			ctx.write((msg instanceof ByteBuf body) ? new DefaultByteBufHolder(body) : msg, promise);
		}

	}

	private static final class SinkHandler extends ChannelInboundHandlerAdapter {

		private final Sink sink;

		SinkHandler(Sink sink) {
			this.sink = sink;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof Preface preface) {
					byte[] bytes = new byte[Preface.LENGTH];
					preface.writeTo(Unpooled.wrappedBuffer(bytes).clear());
					this.sink.send(bytes);
				}
				else if (msg instanceof ByteBufHolder holder && holder.content().isReadable()) {
					ByteBuf body = holder.content();
					byte[] bytes = new byte[body.readableBytes()];
					body.readBytes(bytes);
					this.sink.send(bytes);
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.sink.close(null);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			logger.debug("easyrpc message connection failed", cause);
			ctx.close();
		}

	}

}
