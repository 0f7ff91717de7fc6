package io.easyrpc.internal.transport;

import java.net.SocketAddress;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.internal.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import org.jspecify.annotations.Nullable;

/**
 * A channel whose peer is reached through a message-oriented transport that Netty does
 * not drive itself, such as a WebSocket session of a servlet container. Each message in
 * either direction is one unit of the protocol: the preface, then one frame body each,
 * with no length prefix. The transport hands what it receives to {@link #receive(Object)}
 * and the channel hands what its pipeline writes to a {@link Sink}: no bytes are joined,
 * split or copied on the way.
 * <p>
 * The channel is registered on an ordinary event loop and does no I/O of its own. It is
 * open and active from its creation until either side closes it: {@link #close()} from
 * the pipeline closes the sink, after the messages written before; the transport closing
 * ends the channel with {@link #close()} too. Reads honour {@code autoRead}: messages
 * received while it is off wait, in order, until reading resumes.
 * <p>
 * A sink that sends on a thread of its own holds the messages it has not sent yet. If it
 * reports each message it is done with ({@link Sink#opened(MessageChannel)},
 * {@link #messageSent(int)}), the channel counts the bytes it holds
 * ({@link #pendingBytes()}) and reports itself not writable above the high-water mark of
 * its {@link ChannelConfig#getWriteBufferWaterMark() write buffer water mark}, and
 * writable again below the low one, as a socket channel does; a sink that does not report
 * its sends leaves the channel always writable.
 */
public final class MessageChannel extends AbstractChannel {

	private static final ChannelMetadata METADATA = new ChannelMetadata(false);

	private final Sink sink;

	private final SocketAddress remoteAddress;

	private final @Nullable SocketAddress localAddress;

	private final ChannelConfig config;

	// Filled by the transport's thread, emptied on the event loop.
	private final Queue<Object> inbound = PlatformDependent.newMpscQueue();

	private final AtomicBoolean deliveryScheduled = new AtomicBoolean();

	private final Runnable deliverTask = this::deliverScheduled;

	private final Runnable writabilityTask = this::updateWritability;

	// Bytes handed to the sink and not yet reported sent.
	private final AtomicLong pending = new AtomicLong();

	private volatile boolean countsSends;

	private volatile boolean unwritable;

	private volatile boolean open = true;

	private volatile @Nullable String closeReason;

	// Event loop only.
	private boolean reading;

	/**
	 * Create a channel; add its handlers, then register it on an event loop.
	 * @param sink where the messages the pipeline writes go
	 * @param remoteAddress the peer's address
	 * @param localAddress this side's address, may be {@code null}
	 * @param allocator the allocator of the channel's buffers
	 */
	public MessageChannel(Sink sink, SocketAddress remoteAddress, @Nullable SocketAddress localAddress,
			ByteBufAllocator allocator) {
		super(null);
		this.sink = sink;
		this.remoteAddress = remoteAddress;
		this.localAddress = localAddress;
		this.config = new DefaultChannelConfig(this) {

			@Override
			protected void autoReadCleared() {
				MessageChannel.this.reading = false;
			}

		};
		this.config.setAllocator(allocator);
		sink.opened(this);
	}

	/**
	 * Count the bytes handed to the sink until it reports them sent with
	 * {@link #messageSent(int)}. Called by a sink from
	 * {@link Sink#opened(MessageChannel)}, before any message is sent.
	 */
	public void countSends() {
		this.countsSends = true;
	}

	/**
	 * Report that the sink is done with a message, sent or dropped. Any thread.
	 * @param bytes the size the message had when it was handed to the sink
	 */
	public void messageSent(int bytes) {
		if (!this.countsSends) {
			return;
		}
		long now = this.pending.addAndGet(-bytes);
		if (this.unwritable && now <= this.config.getWriteBufferLowWaterMark()) {
			try {
				eventLoop().execute(this.writabilityTask);
			}
			catch (RejectedExecutionException ex) {
				// The channel has gone with its event loop.
			}
		}
	}

	/**
	 * Return the bytes handed to the sink and not yet reported sent.
	 * @return the bytes held by the sink, {@code 0} if it does not report its sends
	 */
	public long pendingBytes() {
		return this.pending.get();
	}

	@Override
	public boolean isWritable() {
		return this.open && !this.unwritable;
	}

	@Override
	public long bytesBeforeUnwritable() {
		return this.unwritable ? 0 : Math.max(0, this.config.getWriteBufferHighWaterMark() - this.pending.get());
	}

	@Override
	public long bytesBeforeWritable() {
		return this.unwritable ? Math.max(0, this.pending.get() - this.config.getWriteBufferLowWaterMark()) : 0;
	}

	// Event loop only, where writability changes are fired.
	private void updateWritability() {
		long now = this.pending.get();
		if (!this.unwritable && now > this.config.getWriteBufferHighWaterMark()) {
			this.unwritable = true;
			pipeline().fireChannelWritabilityChanged();
		}
		else if (this.unwritable && now <= this.config.getWriteBufferLowWaterMark()) {
			this.unwritable = false;
			pipeline().fireChannelWritabilityChanged();
		}
	}

	/**
	 * Hand on a message the peer sent: a frame body ({@link ByteBuf}, which the channel
	 * owns from now on), a decoded {@link Preface}, or an error found in the peer's
	 * messages, which the pipeline sees as {@code exceptionCaught}. Messages are
	 * delivered on the event loop in the order they were received; the caller must be a
	 * single thread at a time.
	 * @param message the message
	 */
	public void receive(Object message) {
		if (!this.open) {
			ReferenceCountUtil.release(message);
			return;
		}
		this.inbound.offer(message);
		if (this.deliveryScheduled.compareAndSet(false, true)) {
			try {
				eventLoop().execute(this.deliverTask);
			}
			catch (RejectedExecutionException ex) {
				// The event loop is gone, and the channel with it.
				this.open = false;
				releaseInbound();
			}
		}
	}

	/**
	 * Close the channel, telling the sink why the peer's messages were refused.
	 * @param reason why the connection ends
	 */
	public void refuse(String reason) {
		if (this.open && this.closeReason == null) {
			this.closeReason = reason;
		}
		close();
	}

	private void deliverScheduled() {
		this.deliveryScheduled.set(false);
		deliver();
	}

	private void deliver() {
		if (!this.open) {
			releaseInbound();
			return;
		}
		boolean delivered = false;
		Object message;
		while (this.reading && (message = this.inbound.poll()) != null) {
			if (!this.config.isAutoRead()) {
				// A read asked for explicitly delivers one message.
				this.reading = false;
			}
			delivered = true;
			if (message instanceof Throwable error) {
				pipeline().fireExceptionCaught(error);
			}
			else {
				pipeline().fireChannelRead(message);
			}
		}
		if (delivered) {
			pipeline().fireChannelReadComplete();
		}
	}

	private void releaseInbound() {
		Object message;
		while ((message = this.inbound.poll()) != null) {
			ReferenceCountUtil.release(message);
		}
	}

	@Override
	protected AbstractUnsafe newUnsafe() {
		return new AbstractUnsafe() {

			@Override
			public void connect(SocketAddress remote, @Nullable SocketAddress local, ChannelPromise promise) {
				promise.setFailure(new UnsupportedOperationException("A message channel is connected already"));
			}

		};
	}

	@Override
	protected boolean isCompatible(EventLoop loop) {
		return true;
	}

	@Override
	protected @Nullable SocketAddress localAddress0() {
		return this.localAddress;
	}

	@Override
	protected SocketAddress remoteAddress0() {
		return this.remoteAddress;
	}

	@Override
	protected void doBind(SocketAddress localAddress) {
		throw new UnsupportedOperationException("A message channel cannot be bound");
	}

	@Override
	protected void doDisconnect() {
		doClose();
	}

	@Override
	protected void doClose() {
		if (!this.open) {
			return;
		}
		this.open = false;
		this.reading = false;
		releaseInbound();
		this.sink.close(this.closeReason);
	}

	@Override
	protected void doBeginRead() {
		if (this.open) {
			this.reading = true;
			// Later in this event-loop turn, as a socket read would be: never from inside
			// the handler that asked for the read.
			if (!this.inbound.isEmpty() && this.deliveryScheduled.compareAndSet(false, true)) {
				eventLoop().execute(this.deliverTask);
			}
		}
	}

	@Override
	protected Object filterOutboundMessage(Object msg) {
		if (msg instanceof ByteBuf) {
			return msg;
		}
		if (msg instanceof Preface preface) {
			ByteBuf bytes = alloc().buffer(Preface.LENGTH);
			preface.writeTo(bytes);
			return bytes;
		}
		throw new UnsupportedOperationException(
				"A message channel carries ByteBuf and Preface messages, not " + msg.getClass().getName());
	}

	// Each body is handed to the sink as it is: an empty buffer is no message (it only
	// marks a point in the output) and goes nowhere.
	@Override
	protected void doWrite(ChannelOutboundBuffer in) {
		Object msg;
		while ((msg = in.current()) != null) {
			ByteBuf body = (ByteBuf) msg;
			if (body.isReadable() && this.open) {
				// Handed to the sink before the write completes: a listener of the write
				// that closes the channel must find the message sent already.
				if (this.countsSends) {
					this.pending.addAndGet(body.readableBytes());
				}
				this.sink.send(body.retain());
				if (this.countsSends) {
					// Before the write completes: whoever waits for it sees the new
					// writability.
					updateWritability();
				}
				in.remove();
			}
			else {
				in.remove();
			}
		}
	}

	@Override
	public ChannelConfig config() {
		return this.config;
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	@Override
	public boolean isActive() {
		return this.open;
	}

	@Override
	public ChannelMetadata metadata() {
		return METADATA;
	}

	/**
	 * Where a message channel's messages go: the sending side of its transport.
	 */
	public interface Sink {

		/**
		 * Send one message to the peer: the preface first, then one frame body each.
		 * Called on the channel's event loop, in order; must not block or throw: a
		 * transport whose send can block hands the message to a thread of its own.
		 * @param message the message; the sink owns it from now on and releases it once
		 * sent or dropped
		 */
		void send(ByteBuf message);

		/**
		 * Close the transport, after the messages already sent. Called once, on the event
		 * loop.
		 * @param reason {@code null} when the connection ended in an orderly way (its
		 * last message says why, if it is a {@code GOAWAY} frame), otherwise why the
		 * peer's messages were refused
		 */
		void close(@Nullable String reason);

		/**
		 * Called once as the channel is created, before any message is sent. A sink that
		 * sends on a thread of its own calls {@link MessageChannel#countSends()} here and
		 * then {@link MessageChannel#messageSent(int)} for every message it is done with,
		 * so that the channel reports writability honestly. The default does nothing: the
		 * channel then counts nothing and is always writable.
		 * @param channel the channel
		 */
		default void opened(MessageChannel channel) {
		}

	}

}
