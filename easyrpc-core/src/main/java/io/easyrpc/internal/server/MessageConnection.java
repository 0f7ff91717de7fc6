package io.easyrpc.internal.server;

import java.nio.ByteBuffer;

import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.logging.RateLimitedLog;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.internal.transport.FrameBodyDecoder;
import io.easyrpc.internal.transport.MessageChannel;
import io.easyrpc.server.RpcServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server connection carried by a message-oriented transport, such as a WebSocket
 * session, instead of a socket the server accepted. Each message, in either direction,
 * holds one unit of the protocol: the first one the {@linkplain Preface preface}, every
 * later one exactly one frame body, without the length prefix that TCP needs. Everything
 * else (authentication, limits, keep-alive, streams) is the same as on TCP: the server's
 * connection handlers run in the pipeline of a {@link MessageChannel} on one of the
 * server's event loops.
 * <p>
 * Opened by {@link RpcServer#openMessageConnection}. The transport hands each message it
 * receives to {@link #receive(ByteBuffer, boolean)}, in order, from one thread at a time,
 * and the server's messages go to the {@link MessageChannel.Sink}. A message larger than
 * the server's maximum frame size is refused the way TCP refuses an oversized frame: with
 * a {@code GOAWAY} frame ({@code RESOURCE_EXHAUSTED}), after which the connection ends.
 * <p>
 * A peer whose first message starts with a MessagePack-RPC request or notification speaks
 * MessagePack-RPC: its messages are handed on as bytes, which the server cuts into
 * MessagePack-RPC messages whatever the WebSocket messages hold.
 */
public final class MessageConnection {

	private static final Logger logger = LoggerFactory.getLogger(MessageConnection.class);

	private static final RateLimitedLog warnings = new RateLimitedLog();

	private final MessageChannel channel;

	private final int maxFrameSize;

	// The message being assembled from parts.
	private @Nullable ByteBuf partial;

	private boolean prefaceReceived;

	private boolean msgpackRpc;

	private boolean failed;

	/**
	 * Create the connection of a registered channel.
	 * @param channel the channel, registered, with the server's connection handlers
	 * @param maxFrameSize the largest frame body accepted
	 */
	public MessageConnection(MessageChannel channel, int maxFrameSize) {
		this.channel = channel;
		this.maxFrameSize = maxFrameSize;
	}

	/**
	 * Hand on a message, or a part of one, that the peer sent. Parts are joined until the
	 * last one arrives. The bytes are copied, once, to a heap buffer of the channel's
	 * allocator; the given buffer may be reused once this returns.
	 * @param part the message, or the next part of it
	 * @param last whether this completes the message
	 */
	public synchronized void receive(ByteBuffer part, boolean last) {
		if (this.failed || !this.channel.isActive()) {
			return;
		}
		int size = part.remaining();
		int length = ((this.partial != null) ? this.partial.readableBytes() : 0) + size;
		if (!this.prefaceReceived && !this.msgpackRpc && this.partial == null && startsMsgpackRpc(part)) {
			// A MessagePack-RPC peer: its messages go on as bytes, cut into messages on
			// the event loop however the WebSocket messages split them.
			this.msgpackRpc = true;
		}
		if (!this.prefaceReceived && !this.msgpackRpc) {
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
			this.channel.receive(FrameBodyDecoder.frameTooLarge(length, this.maxFrameSize));
			return;
		}
		if (this.partial == null) {
			if (last) {
				// The common case, a whole frame in one message.
				handOn(this.channel.alloc().heapBuffer(size).writeBytes(part));
				return;
			}
			this.partial = this.channel.alloc().heapBuffer(size);
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
		if (this.prefaceReceived || this.msgpackRpc) {
			this.channel.receive(message);
			return;
		}
		this.prefaceReceived = true;
		Object unit;
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
		this.channel.receive(unit);
	}

	private static boolean startsMsgpackRpc(ByteBuffer part) {
		return MsgpackRpcCodec.detect(Unpooled.wrappedBuffer(part.duplicate())) == 1;
	}

	private void fail(String reason) {
		this.failed = true;
		release();
		warnings.warn(logger, "protocol-error", "Closing easyrpc message connection from {}: {}",
				this.channel.remoteAddress(), LogSafe.text(reason));
		this.channel.refuse(reason);
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

}
