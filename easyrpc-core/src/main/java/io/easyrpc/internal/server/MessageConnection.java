package io.easyrpc.internal.server;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.easyrpc.server.RpcServer;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.transport.FrameDecoder;
import io.easyrpc.transport.RpcAddress;
import io.easyrpc.transport.TransportResources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
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

	// The message being assembled from parts, with room for the length prefix in front.
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
				// The server writes what it would write to a socket: the preface, then
				// frames with their length prefix. Split back into messages here.
				channel.pipeline().addLast("frameDecoder", new FrameDecoder(Integer.MAX_VALUE));
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
		if (this.partial == null) {
			if (last && this.prefaceReceived && size <= this.maxFrameSize) {
				// The common case, a whole frame in one message: one copy.
				ByteBuf frame = Unpooled.buffer(FrameCodec.LENGTH_PREFIX + size);
				frame.writeInt(size).writeBytes(part);
				this.channel.writeAndFlush(frame, this.channel.voidPromise());
				return;
			}
			this.partial = Unpooled.buffer(FrameCodec.LENGTH_PREFIX + size);
			this.partial.writerIndex(FrameCodec.LENGTH_PREFIX);
		}
		int length = this.partial.readableBytes() - FrameCodec.LENGTH_PREFIX + size;
		if (!this.prefaceReceived) {
			if (length > Preface.LENGTH || (last && length != Preface.LENGTH)) {
				fail("the first message must be the " + Preface.LENGTH + "-byte easyrpc preface, not " + length
						+ " bytes" + (last ? "" : " or more"));
				return;
			}
		}
		else if (length > this.maxFrameSize) {
			// Handed on as a prefix that announces the oversized frame: the server's
			// decoder refuses it with GOAWAY, exactly as on TCP.
			release();
			this.failed = true;
			ByteBuf announce = Unpooled.buffer(FrameCodec.LENGTH_PREFIX).writeInt(length);
			this.channel.writeAndFlush(announce, this.channel.voidPromise());
			return;
		}
		this.partial.writeBytes(part);
		if (!last) {
			return;
		}
		ByteBuf message = this.partial;
		this.partial = null;
		if (!this.prefaceReceived) {
			this.prefaceReceived = true;
			message.skipBytes(FrameCodec.LENGTH_PREFIX);
		}
		else {
			message.setInt(0, length);
		}
		this.channel.writeAndFlush(message, this.channel.voidPromise());
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
				else if (msg instanceof ByteBuf body) {
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
