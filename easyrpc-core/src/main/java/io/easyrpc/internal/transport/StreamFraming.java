package io.easyrpc.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import org.jspecify.annotations.Nullable;

/**
 * The framing of easyrpc on a byte stream (TCP, TLS over TCP, in-process channels): the
 * 10-byte preface, then each frame body behind a 4-byte big-endian length prefix. The
 * protocol layer encodes and decodes frame bodies only; these handlers add and remove the
 * prefix.
 */
public final class StreamFraming {

	/** Bytes of the length prefix in front of each frame body on a byte stream. */
	public static final int LENGTH_PREFIX = 4;

	private StreamFraming() {
	}

	/**
	 * Add the framing handlers at the end of a pipeline, in front of the connection
	 * handler added next.
	 * @param pipeline the pipeline
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 */
	public static void addHandlers(ChannelPipeline pipeline, int maxFrameSize) {
		addHandlers(pipeline, maxFrameSize, null, 0);
	}

	/**
	 * Add the framing handlers at the end of a pipeline, in front of the connection
	 * handler added next, with the bounds of a server's connection.
	 * @param pipeline the pipeline
	 * @param maxFrameSize the largest frame body accepted, in bytes
	 * @param memory the budget for frames that have not fully arrived, shared by the
	 * connections of a server, or {@code null} for none
	 * @param frameTimeoutNanos how long a frame may take to arrive from its first byte,
	 * {@code 0} for no limit
	 * @see FrameBodyDecoder
	 */
	public static void addHandlers(ChannelPipeline pipeline, int maxFrameSize, @Nullable InboundMemory memory,
			long frameTimeoutNanos) {
		pipeline.addLast("prefaceEncoder", PrefaceEncoder.INSTANCE);
		pipeline.addLast("prefaceDecoder", new PrefaceDecoder());
		pipeline.addLast("frameDecoder", new FrameBodyDecoder(maxFrameSize, memory, frameTimeoutNanos));
		pipeline.addLast("framePrepender", PREPENDER);
	}

	/**
	 * Remove the handlers {@link #addHandlers} added, for a pipeline that carries the
	 * frames another way, such as WebSocket.
	 * @param pipeline the pipeline
	 */
	public static void removeHandlers(ChannelPipeline pipeline) {
		pipeline.remove("prefaceEncoder");
		pipeline.remove("prefaceDecoder");
		pipeline.remove("frameDecoder");
		pipeline.remove("framePrepender");
	}

	private static final LengthFieldPrepender PREPENDER = new LengthFieldPrepender(LENGTH_PREFIX) {

		// An empty buffer is not a frame: FrameConnection.closeAfterFlush writes one to
		// learn when the frames before it have gone out, and it must reach the socket
		// as nothing.
		@Override
		public boolean acceptOutboundMessage(Object msg) throws Exception {
			return super.acceptOutboundMessage(msg) && ((ByteBuf) msg).isReadable();
		}

	};

}
