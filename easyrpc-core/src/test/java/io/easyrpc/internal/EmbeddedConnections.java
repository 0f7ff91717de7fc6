package io.easyrpc.internal;

import java.util.concurrent.TimeUnit;

import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.transport.PrefaceDecoder;
import io.easyrpc.internal.transport.PrefaceEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Connection handlers on an {@link EmbeddedChannel} whose clock stands still until a test
 * moves it, behind the preface codec as the stream transports install it. Frames travel
 * as bodies: what a test writes in and reads out is one frame each.
 */
public final class EmbeddedConnections {

	private EmbeddedConnections() {
	}

	/**
	 * Open a channel with a frozen clock, the preface codec and the handlers, and make it
	 * active. The clock stops before the handlers see the channel become active, so that
	 * every timer they schedule counts from the same instant.
	 * @param handlers the handlers after the preface codec, the connection last
	 * @return the active channel
	 */
	public static EmbeddedChannel open(ChannelHandler... handlers) {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		channel.pipeline().addLast(new PrefaceDecoder(), PrefaceEncoder.INSTANCE);
		channel.pipeline().addLast(handlers);
		channel.pipeline().fireChannelActive();
		return channel;
	}

	/**
	 * Deliver the peer's preface, without flags.
	 * @param channel the channel
	 * @param maxFrameSize the frame size limit the peer announces
	 */
	public static void writePreface(EmbeddedChannel channel, int maxFrameSize) {
		ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
		new Preface(Preface.CURRENT_VERSION, 0, maxFrameSize).writeTo(preface);
		channel.writeInbound(preface);
	}

	/**
	 * Read the preface this side sent.
	 * @param channel the channel
	 * @return the preface
	 */
	public static Preface readPreface(EmbeddedChannel channel) {
		ByteBuf preface = channel.readOutbound();
		try {
			return Preface.readFrom(preface);
		}
		finally {
			preface.release();
		}
	}

	/**
	 * Move the channel's clock and run the timers that are due.
	 * @param channel the channel
	 * @param millis how far to move the clock
	 */
	public static void advance(EmbeddedChannel channel, long millis) {
		channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		channel.runPendingTasks();
	}

	/**
	 * Read the next frame this side sent, once the event loop has run its pending tasks:
	 * a frame written by a timer is flushed by a task of its own.
	 * @param channel the channel
	 * @return the frame, or {@code null} if none was sent
	 */
	public static Frame readFrame(EmbeddedChannel channel) {
		channel.runPendingTasks();
		ByteBuf body = channel.readOutbound();
		if (body == null) {
			return null;
		}
		try {
			return FrameCodec.decode(body);
		}
		finally {
			body.release();
		}
	}

}
