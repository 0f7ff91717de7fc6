package io.easyrpc.it;

import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.easyrpc.internal.server.MessageConnection;
import io.easyrpc.internal.transport.MessageChannel;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.server.RpcServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket endpoint for tests, outside the engine, that serves each session through
 * {@link RpcServer#openMessageConnection}, the way the servlet endpoint of the Spring
 * module does: every binary message (or fragment of one) goes to the
 * {@link MessageConnection}, and every message of the server goes out as one binary
 * message. It runs on event loops of its own, as a web server would.
 */
final class MessageEndpoint implements AutoCloseable {

	static final String PATH = "/easyrpc";

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel serverChannel;

	private final Queue<MessageConnection> connections = new ConcurrentLinkedQueue<>();

	MessageEndpoint(RpcServer server, int maxMessageSize) {
		this.serverChannel = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<>() {

				@Override
				protected void initChannel(Channel channel) {
					WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
						.websocketPath(PATH)
						.maxFramePayloadLength(maxMessageSize)
						.handleCloseFrames(true)
						.build();
					channel.pipeline()
						.addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
								new WebSocketServerProtocolHandler(config), new Session(server));
				}

			})
			.bind("127.0.0.1", 0)
			.syncUninterruptibly()
			.channel();
	}

	int port() {
		return ((InetSocketAddress) this.serverChannel.localAddress()).getPort();
	}

	/**
	 * Return the connections opened so far.
	 * @return the connections
	 */
	Queue<MessageConnection> connections() {
		return this.connections;
	}

	@Override
	public void close() {
		this.serverChannel.close().awaitUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
	}

	private final class Session extends ChannelInboundHandlerAdapter {

		private final RpcServer server;

		private @Nullable MessageConnection connection;

		Session(RpcServer server) {
			this.server = server;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
				Channel channel = ctx.channel();
				try {
					this.connection = this.server.openMessageConnection(CallInfo.WEBSOCKET, channel.remoteAddress(),
							channel.localAddress(), new Sink(channel));
				}
				catch (IllegalStateException ex) {
					// as a host would: a stopped server gets no new connections
					channel
						.writeAndFlush(
								new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server stopped"))
						.addListener(ChannelFutureListener.CLOSE);
					return;
				}
				MessageEndpoint.this.connections.add(this.connection);
			}
			super.userEventTriggered(ctx, event);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if ((msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame)
						&& this.connection != null) {
					WebSocketFrame frame = (WebSocketFrame) msg;
					this.connection.receive(frame.content().nioBuffer(), frame.isFinalFragment());
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			// a peer that went away mid-write: the connection ends with the channel
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.connection != null) {
				this.connection.close();
			}
		}

	}

	private static final class Sink implements MessageChannel.Sink {

		private final Channel channel;

		Sink(Channel channel) {
			this.channel = channel;
		}

		@Override
		public void send(ByteBuf message) {
			this.channel.writeAndFlush(new BinaryWebSocketFrame(message), this.channel.voidPromise());
		}

		@Override
		public void close(@Nullable String reason) {
			CloseWebSocketFrame frame = (reason != null)
					? new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, reason)
					: new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE);
			if (this.channel.eventLoop().isShuttingDown()) {
				// The endpoint is stopping: its channels close with their event loop.
				frame.release();
				return;
			}
			this.channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
		}

	}

}
