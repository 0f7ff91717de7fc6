package io.easyrpc.internal.transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MessageChannel} on a real event loop.
 */
class MessageChannelTests {

	private final EventLoop eventLoop = new DefaultEventLoop();

	private final List<String> sent = new CopyOnWriteArrayList<>();

	private final MessageChannel.Sink sink = new MessageChannel.Sink() {

		@Override
		public void send(ByteBuf message) {
			MessageChannelTests.this.sent.add("send " + message.toString(StandardCharsets.US_ASCII));
			message.release();
		}

		@Override
		public void close(@Nullable String reason) {
			MessageChannelTests.this.sent.add("close " + reason);
		}

	};

	@AfterEach
	void stop() {
		this.eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private MessageChannel channel() {
		return new MessageChannel(this.sink, new InetSocketAddress("127.0.0.1", 1), null,
				UnpooledByteBufAllocator.DEFAULT);
	}

	private static ByteBuf text(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
	}

	@Test
	void messageWhoseWriteClosesTheChannelIsSentBeforeTheClose() {
		MessageChannel channel = channel();
		this.eventLoop.register(channel).syncUninterruptibly();
		channel.writeAndFlush(text("bye")).addListener(ChannelFutureListener.CLOSE);
		await().until(() -> this.sent.size() == 2);
		assertThat(this.sent).containsExactly("send bye", "close null");
	}

	@Test
	void refusalClosesTheSinkWithItsReasonOnce() {
		MessageChannel channel = channel();
		this.eventLoop.register(channel).syncUninterruptibly();
		channel.refuse("bad preface");
		channel.close().syncUninterruptibly();
		assertThat(this.sent).containsExactly("close bad preface");
		assertThat(channel.isActive()).isFalse();
	}

	@Test
	void readAskedForInsideChannelReadIsDeliveredLaterNotReentrantly() {
		MessageChannel channel = channel();
		channel.config().setAutoRead(false);
		AtomicInteger depth = new AtomicInteger();
		AtomicInteger deepest = new AtomicInteger();
		List<String> read = new CopyOnWriteArrayList<>();
		channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
				ByteBuf body = (ByteBuf) msg;
				read.add(body.toString(StandardCharsets.US_ASCII));
				body.release();
				ctx.read();
				depth.decrementAndGet();
			}

		});
		this.eventLoop.register(channel).syncUninterruptibly();
		channel.receive(text("one"));
		channel.receive(text("two"));
		channel.receive(text("three"));
		channel.read();
		await().until(() -> read.size() == 3);
		assertThat(read).containsExactly("one", "two", "three");
		assertThat(deepest).hasValue(1);
	}

	@Test
	void messagesReceivedAfterTheChannelClosedAreReleased() {
		MessageChannel channel = channel();
		this.eventLoop.register(channel).syncUninterruptibly();
		channel.close().syncUninterruptibly();
		ByteBuf late = text("late");
		channel.receive(late);
		assertThat(late.refCnt()).isZero();
	}

	@Test
	void sinkThatReportsItsSendsMakesTheChannelUnwritableAboveTheHighWaterMark() {
		List<ByteBuf> held = new CopyOnWriteArrayList<>();
		List<Boolean> changes = new CopyOnWriteArrayList<>();
		MessageChannel.Sink slowSink = new MessageChannel.Sink() {

			@Override
			public void opened(MessageChannel channel) {
				channel.countSends();
			}

			@Override
			public void send(ByteBuf message) {
				held.add(message);
			}

			@Override
			public void close(@Nullable String reason) {
			}

		};
		MessageChannel channel = new MessageChannel(slowSink, new InetSocketAddress("127.0.0.1", 1), null,
				UnpooledByteBufAllocator.DEFAULT);
		channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {

			@Override
			public void channelWritabilityChanged(ChannelHandlerContext ctx) {
				changes.add(ctx.channel().isWritable());
			}

		});
		this.eventLoop.register(channel).syncUninterruptibly();
		int high = channel.config().getWriteBufferHighWaterMark();
		assertThat(channel.isWritable()).isTrue();
		channel.writeAndFlush(Unpooled.buffer().writeZero(high)).syncUninterruptibly();
		assertThat(channel.isWritable()).as("at the high-water mark").isTrue();
		channel.writeAndFlush(Unpooled.buffer().writeZero(1)).syncUninterruptibly();
		assertThat(channel.isWritable()).as("past the high-water mark").isFalse();
		assertThat(channel.pendingBytes()).isEqualTo(high + 1);
		assertThat(channel.bytesBeforeUnwritable()).isZero();
		ByteBuf first = held.remove(0);
		int size = first.readableBytes();
		first.release();
		channel.messageSent(size);
		await().until(() -> channel.isWritable());
		// The outbound buffer of every channel fires changes of its own as well, while
		// a write waits for its flush: the channel's answer is what counts.
		assertThat(changes).containsSubsequence(false, true).last().isEqualTo(true);
		for (ByteBuf message : held) {
			channel.messageSent(message.readableBytes());
			message.release();
		}
		assertThat(channel.pendingBytes()).isZero();
		channel.close().syncUninterruptibly();
	}

	@Test
	void sinkThatDoesNotReportItsSendsLeavesTheChannelWritable() {
		MessageChannel channel = channel();
		this.eventLoop.register(channel).syncUninterruptibly();
		channel.writeAndFlush(Unpooled.buffer().writeZero(channel.config().getWriteBufferHighWaterMark() * 2))
			.syncUninterruptibly();
		assertThat(channel.isWritable()).isTrue();
		assertThat(channel.pendingBytes()).isZero();
	}

}
