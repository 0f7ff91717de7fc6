package io.easyrpc.benchmark.driver;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Drives the raw Netty echo: each call writes one length-prefixed frame holding the id,
 * the slot, the name and the payload bytes; the echoed frame's slot says which call it
 * answers. Calls started on the event loop are flushed once per read batch.
 */
final class NettyLoad implements LoadTarget {

	private static final byte[] NAME_BYTES = NAME.getBytes(StandardCharsets.UTF_8);

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel channel;

	private final byte[] data;

	private final int bodyLength;

	private volatile Completion completion;

	NettyLoad(int port, byte[] data) {
		this.data = data;
		this.bodyLength = 8 + 4 + 2 + NAME_BYTES.length + 4 + data.length;
		this.channel = new Bootstrap().group(this.group)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline()
						.addLast(new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 4),
								new ResponseHandler());
				}

			})
			.connect("127.0.0.1", port)
			.syncUninterruptibly()
			.channel();
	}

	@Override
	public void call(int slot, long id, Completion completion) {
		this.completion = completion;
		if (this.channel.eventLoop().inEventLoop()) {
			this.channel.write(frame(slot, id), this.channel.voidPromise());
		}
		else {
			this.channel.eventLoop()
				.execute(() -> this.channel.writeAndFlush(frame(slot, id), this.channel.voidPromise()));
		}
	}

	private ByteBuf frame(int slot, long id) {
		ByteBuf frame = this.channel.alloc().buffer(4 + this.bodyLength);
		frame.writeInt(this.bodyLength);
		frame.writeLong(id);
		frame.writeInt(slot);
		frame.writeShort(NAME_BYTES.length);
		frame.writeBytes(NAME_BYTES);
		frame.writeInt(this.data.length);
		frame.writeBytes(this.data);
		return frame;
	}

	@Override
	public void close() {
		this.channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
	}

	private final class ResponseHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf frame = (ByteBuf) msg;
			int slot;
			boolean matches;
			try {
				matches = frame.readableBytes() == NettyLoad.this.bodyLength;
				frame.skipBytes(8);
				slot = frame.readInt();
			}
			finally {
				frame.release();
			}
			NettyLoad.this.completion.completed(slot, matches);
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
