package io.easyrpc.benchmark.soak;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * A TCP proxy on loopback that plays an unstable network: it forwards bytes both ways and
 * cuts every connection (both sides at once) after a random lifetime, so that requests
 * and responses are lost in flight. A connection that cannot reach the server is closed
 * at once.
 */
final class ChaosProxy implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final AtomicLong cuts = new AtomicLong();

	private final Channel listener;

	/**
	 * Start the proxy.
	 * @param serverPort the server's port
	 * @param minLifetimeMillis the shortest lifetime of a connection, or 0 to never cut
	 * @param maxLifetimeMillis the longest lifetime of a connection
	 * @throws InterruptedException if interrupted while binding
	 */
	ChaosProxy(int serverPort, int minLifetimeMillis, int maxLifetimeMillis) throws InterruptedException {
		this.listener = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childOption(ChannelOption.AUTO_READ, false)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel inbound) {
					connect(inbound, serverPort, minLifetimeMillis, maxLifetimeMillis);
				}
			})
			.bind("127.0.0.1", 0)
			.sync()
			.channel();
	}

	int port() {
		return ((java.net.InetSocketAddress) this.listener.localAddress()).getPort();
	}

	long cuts() {
		return this.cuts.get();
	}

	private void connect(SocketChannel inbound, int serverPort, int minLifetimeMillis, int maxLifetimeMillis) {
		new Bootstrap().group(inbound.eventLoop())
			.channel(NioSocketChannel.class)
			.option(ChannelOption.AUTO_READ, false)
			.handler(new Relay(inbound))
			.connect("127.0.0.1", serverPort)
			.addListener((ChannelFutureListener) (connected) -> {
				if (!connected.isSuccess()) {
					inbound.close();
					return;
				}
				Channel outbound = connected.channel();
				inbound.pipeline().addLast(new Relay(outbound));
				inbound.read();
				outbound.read();
				if (minLifetimeMillis > 0) {
					long lifetime = ThreadLocalRandom.current().nextLong(minLifetimeMillis, maxLifetimeMillis + 1L);
					inbound.eventLoop().schedule(() -> {
						if (inbound.isActive()) {
							this.cuts.incrementAndGet();
						}
						inbound.close();
						outbound.close();
					}, lifetime, TimeUnit.MILLISECONDS);
				}
			});
	}

	@Override
	public void close() {
		this.listener.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	// Writes what one side reads to the other and reads again once it is written, so a
	// slow
	// side slows the other instead of filling memory.
	private static final class Relay extends ChannelInboundHandlerAdapter {

		private final Channel peer;

		Relay(Channel peer) {
			this.peer = peer;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			this.peer.writeAndFlush(message).addListener((ChannelFutureListener) (written) -> {
				if (written.isSuccess()) {
					ctx.channel().read();
				}
				else {
					ctx.close();
				}
			});
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (this.peer.isActive()) {
				this.peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
