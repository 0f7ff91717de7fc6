package io.easyrpc.benchmark.targets;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The practical ceiling: a Netty server on the same NIO transport as easyrpc that splits
 * length-prefixed frames and writes each one back untouched, flushing once per read
 * batch.
 */
public final class NettyEchoServer {

	/** Largest frame accepted. */
	public static final int MAX_FRAME = 16 * 1024 * 1024;

	private NettyEchoServer() {
	}

	/**
	 * Start the server and print {@code READY <port>}.
	 * @param args unused
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		EchoHandler echo = new EchoHandler();
		Channel server = new ServerBootstrap().group(group)
			.channel(NioServerSocketChannel.class)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4), echo);
				}

			})
			.bind("127.0.0.1", 0)
			.sync()
			.channel();
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly(),
					"netty-shutdown"));
		ServerSupport.ready(((InetSocketAddress) server.localAddress()).getPort());
		server.closeFuture().sync();
	}

	@ChannelHandler.Sharable
	static final class EchoHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(msg, ctx.voidPromise());
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
