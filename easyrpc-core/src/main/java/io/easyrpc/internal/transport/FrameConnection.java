package io.easyrpc.internal.transport;

import java.net.SocketAddress;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.internal.logging.RateLimitedLog;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.internal.protocol.ProtocolException;
import io.easyrpc.transport.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One easyrpc connection: sends this side's preface, decodes the peer's frames and hands
 * them to {@link #frameReceived(Frame)}, and writes frames from any thread. Frames
 * written during one event-loop turn are flushed together, once.
 * <p>
 * Protocol errors (bad preface, malformed or oversized frame) are answered with a
 * {@code GOAWAY} frame that names the problem, and the connection is closed. So is a
 * connection whose memory cannot be allocated ({@link OutOfMemoryError}) and, with an
 * {@linkplain #limitOutbound(long) outbound limit}, one whose peer stops reading while
 * more than the limit waits to be sent; each is logged once at WARN.
 * <p>
 * On a TLS connection ({@link Tls}) the preface and frames are written as soon as the
 * connection is up, and the TLS handler holds them back until its handshake is done. A
 * TLS failure is reported once, through {@link #tlsFailed(Throwable, boolean)}, and
 * closes the connection.
 */
public abstract class FrameConnection extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(FrameConnection.class);

	private static final RateLimitedLog warnings = new RateLimitedLog();

	private final int maxFrameSize;

	/**
	 * Frames written during one read batch before they are flushed without waiting for
	 * its end.
	 */
	static final int FLUSH_FRAMES = 16;

	/**
	 * Bytes written during one read batch before they are flushed without waiting for its
	 * end.
	 */
	static final int FLUSH_BYTES = 32 * 1024;

	// How long a connection refused for a reason of its own waits for its GOAWAY to go
	// out before it closes anyway: a peer that does not read never takes it.
	private static final long GOAWAY_LINGER_MILLIS = 2000;

	private final Runnable flushTask = this::flushNow;

	private long outboundLimit;

	private boolean refusedForMemory;

	private final Runnable drainTask = this::drain;

	// Frames sent from other threads wait here; one event-loop task writes all that have
	// gathered and flushes them once.
	private final Queue<ByteBuf> outbound = PlatformDependent.newMpscQueue();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private ChannelHandlerContext ctx;

	private EventLoop eventLoop;

	private volatile int peerMaxFrameSize;

	private boolean prefaceSent;

	private boolean failed;

	private boolean reading;

	private boolean flushPending;

	private boolean flushScheduled;

	private int unflushedFrames;

	private int unflushedBytes;

	private boolean written;

	private boolean draining;

	private boolean tlsFailureReported;

	private volatile SocketAddress peerAddress;

	private volatile SocketAddress ownAddress;

	/**
	 * Create a connection handler.
	 * @param maxFrameSize the largest frame body this side accepts, announced to the peer
	 */
	protected FrameConnection(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
		this.peerMaxFrameSize = maxFrameSize;
	}

	/**
	 * Return the channel.
	 * @return the channel, {@code null} before the handler is added to a pipeline
	 */
	public final Channel channel() {
		return (this.ctx != null) ? this.ctx.channel() : null;
	}

	/**
	 * Return the address of the peer: the channel's remote address, unless the connection
	 * reaches this side through another transport that knows the real peer (see
	 * {@link #givenAddresses(SocketAddress, SocketAddress)}).
	 * @return the remote address, or {@code null} if not connected
	 */
	public final SocketAddress remoteAddress() {
		SocketAddress given = this.peerAddress;
		if (given != null) {
			return given;
		}
		Channel channel = channel();
		return (channel != null) ? channel.remoteAddress() : null;
	}

	/**
	 * Return the address of this side: the channel's local address, unless set by
	 * {@link #givenAddresses(SocketAddress, SocketAddress)}.
	 * @return the local address, or {@code null} if not connected
	 */
	public final SocketAddress localAddress() {
		SocketAddress given = this.ownAddress;
		if (given != null) {
			return given;
		}
		Channel channel = channel();
		return (channel != null) ? channel.localAddress() : null;
	}

	/**
	 * Set the addresses of a connection whose channel has no socket of its own, for
	 * example a message channel that carries the messages of a servlet WebSocket session:
	 * the addresses of that session are then the ones that address rules, logs and
	 * observations must see.
	 * @param remote the peer's address
	 * @param local this side's address, may be {@code null} to keep the channel's
	 */
	protected final void givenAddresses(SocketAddress remote, SocketAddress local) {
		this.peerAddress = remote;
		this.ownAddress = local;
	}

	/**
	 * Return the event loop of the channel.
	 * @return the event loop
	 */
	protected final EventLoop eventLoop() {
		return this.eventLoop;
	}

	/**
	 * Return the largest frame body the peer accepts: announced in its preface, or this
	 * side's own limit until the preface arrives.
	 * @return the peer's maximum frame size
	 */
	public final int peerMaxFrameSize() {
		return this.peerMaxFrameSize;
	}

	/**
	 * Return the largest frame body this side accepts.
	 * @return the maximum frame size
	 */
	public final int maxFrameSize() {
		return this.maxFrameSize;
	}

	/**
	 * Limit the bytes that may wait to be sent to a peer that does not read: once the
	 * channel is not writable and a frame would take the bytes waiting past the limit,
	 * the frame is dropped and the connection ends with a {@code GOAWAY} frame
	 * ({@code RESOURCE_EXHAUSTED}) and a warning. Streams stop producing while the
	 * channel is not writable, so the limit catches unary results that keep coming for a
	 * peer that has stopped reading. Call before the connection is used.
	 * @param bytes the limit in bytes, {@code 0} for none
	 */
	public final void limitOutbound(long bytes) {
		this.outboundLimit = Math.max(0, bytes);
	}

	/**
	 * Return whether an encoded frame exceeds what the peer accepts.
	 * @param frame an encoded frame body
	 * @return {@code true} if the peer would refuse it
	 */
	protected final boolean exceedsPeerLimit(ByteBuf frame) {
		return frame.readableBytes() > this.peerMaxFrameSize;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.ctx = ctx;
		this.eventLoop = ctx.channel().eventLoop();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		sendPreface();
		prefaceWritten(ctx);
		ctx.flush();
		super.channelActive(ctx);
	}

	/**
	 * Called when the connection is up and the preface is written but not yet flushed, so
	 * that what this writes goes out together with the preface. The default does nothing.
	 * @param ctx the context of this handler
	 */
	protected void prefaceWritten(ChannelHandlerContext ctx) {
	}

	// A connect listener may write before channelActive fires, so whichever comes first
	// sends the preface.
	private void sendPreface() {
		if (!this.prefaceSent) {
			this.prefaceSent = true;
			// Written as the record: the transport's framing turns it into bytes.
			this.ctx.write(new Preface(Preface.CURRENT_VERSION, prefaceFlags(), this.maxFrameSize),
					this.ctx.voidPromise());
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.failed) {
			ReferenceCountUtil.release(msg);
			return;
		}
		this.reading = true;
		if (msg instanceof Preface preface) {
			prefaceReceived(preface);
			return;
		}
		ByteBuf body = (ByteBuf) msg;
		try {
			bodyReceived(body);
		}
		finally {
			ReferenceCountUtil.release(body);
		}
	}

	/**
	 * Called on the event loop for every unit the peer sends after its preface: decodes
	 * the frame and hands it to {@link #frameReceived(Frame)}. A connection that carries
	 * another protocol on the same framing overrides it. The body is released after this
	 * returns.
	 * @param body the frame body
	 */
	protected void bodyReceived(ByteBuf body) {
		frameReceived(FrameCodec.decode(body));
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		this.reading = false;
		if (this.flushPending) {
			flushNow();
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof IdleStateEvent idle) {
			idle(idle);
			return;
		}
		if (evt instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
			reportTlsFailure(ctx, handshake.cause());
		}
		super.userEventTriggered(ctx, evt);
	}

	// A failed handshake shows up twice, as an event and as an exception: the first one
	// is reported, the other ignored.
	private void reportTlsFailure(ChannelHandlerContext ctx, Throwable cause) {
		this.failed = true;
		if (!this.tlsFailureReported) {
			this.tlsFailureReported = true;
			tlsFailed(cause, ctx.channel().isActive());
		}
		ctx.close();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.failed = true;
		Throwable error = (cause instanceof DecoderException && cause.getCause() != null) ? cause.getCause() : cause;
		if (Tls.isTlsFailure(error)) {
			reportTlsFailure(ctx, error);
			return;
		}
		if (error instanceof ProtocolException protocolError) {
			warnings.warn(logger, "protocol-error", "Closing easyrpc connection with {}: {}", remoteAddress(),
					LogSafe.text(error.getMessage()));
			closeWithGoAway(protocolError.getStatus(), error.getMessage());
			return;
		}
		if (error instanceof OutOfMemoryError) {
			// Netty closes a connection whose read buffer cannot be allocated: the peer
			// is told why, and so is the operator, once for this connection.
			if (!this.refusedForMemory) {
				this.refusedForMemory = true;
				logger.warn("Closing easyrpc connection with {}: out of memory ({})", remoteAddress(),
						error.getMessage());
				closeWithGoAway(RpcStatus.RESOURCE_EXHAUSTED, "Out of memory: " + error.getMessage());
			}
			return;
		}
		logger.debug("Closing easyrpc connection with {} after an I/O error", remoteAddress(), error);
		ctx.close();
	}

	/**
	 * Send a {@code GOAWAY} frame, then close the connection.
	 * @param status the reason
	 * @param message the message
	 */
	public final void closeWithGoAway(RpcStatus status, String message) {
		execute(() -> {
			Channel channel = this.ctx.channel();
			if (!channel.isActive()) {
				channel.close();
				return;
			}
			ByteBuf goAway = goAwayMessage(status, message);
			sendPreface();
			this.ctx.writeAndFlush(goAway).addListener(ChannelFutureListener.CLOSE);
		});
	}

	/**
	 * Return what is sent last before the connection closes for a reason: a
	 * {@code GOAWAY} frame. A connection whose peer has no such message returns an empty
	 * buffer, which sends nothing.
	 * @param status the reason
	 * @param message the message
	 * @return the encoded message
	 */
	protected ByteBuf goAwayMessage(RpcStatus status, String message) {
		return FrameCodec.encodeGoAway(this.ctx.alloc(), status, message);
	}

	/**
	 * Send no preface on this connection from now on: its peer speaks a protocol without
	 * one. Event loop only; a preface written before must be dropped by the pipeline.
	 */
	protected final void omitPreface() {
		this.prefaceSent = true;
	}

	/**
	 * End the connection for a reason that concerns the whole connection: from now on no
	 * further frame from the peer is acted on, not even one already received, and the
	 * peer gets a {@code GOAWAY} frame with the status and message before the connection
	 * closes.
	 * @param status the reason
	 * @param message the message
	 */
	protected final void abort(RpcStatus status, String message) {
		execute(() -> {
			if (!this.failed) {
				this.failed = true;
				closeWithGoAway(status, message);
			}
		});
	}

	/**
	 * Return whether the connection failed or was aborted: from then on no frame from the
	 * peer is acted on. Event loop only.
	 * @return {@code true} once the connection has failed
	 */
	public final boolean hasFailed() {
		return this.failed;
	}

	/**
	 * Return the flags of this side's preface. The default is {@code 0}.
	 * @return the flags, see {@link Preface}
	 */
	protected int prefaceFlags() {
		return 0;
	}

	/**
	 * Close the connection from any thread once every frame written so far has gone out.
	 * Frames are flushed in batches, so closing the channel directly could drop frames
	 * that were written but not yet flushed, such as the last responses of a draining
	 * server.
	 * @return the channel's close future
	 */
	public final ChannelFuture closeAfterFlush() {
		Channel channel = this.ctx.channel();
		execute(() -> {
			beforeClose();
			this.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		});
		return channel.closeFuture();
	}

	/**
	 * Called on the event loop when this side closes the connection after flushing what
	 * it wrote, before the last flush: what is still held back must be let out or dropped
	 * here, or the close would wait for it.
	 */
	protected void beforeClose() {
	}

	/**
	 * Write a frame from any thread. The frame is flushed at the end of the current
	 * event-loop turn together with the other frames written in it; while a batch of
	 * inbound frames is read, the answers are flushed every {@value #FLUSH_FRAMES} frames
	 * so that the peer can start on them before the whole batch is done.
	 * @param frame an encoded frame; ownership passes to this method
	 */
	public final void send(ByteBuf frame) {
		if (this.eventLoop.inEventLoop()) {
			if (!this.outbound.isEmpty()) {
				// Frames that other threads sent earlier go first: a stream's items may
				// be
				// sent from a worker and then from the event loop.
				writeQueued();
			}
			write(frame);
			return;
		}
		this.outbound.offer(frame);
		if (!this.drainScheduled.get() && this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.eventLoop.execute(this.drainTask);
			}
			catch (RuntimeException ex) {
				// The event loop is shut down: nothing will write these frames.
				this.drainScheduled.set(false);
				releaseOutbound();
				throw ex;
			}
		}
	}

	private void drain() {
		this.drainScheduled.set(false);
		writeQueued();
		if (!this.reading && this.flushPending) {
			flushNow();
		}
	}

	private void writeQueued() {
		boolean nested = this.draining;
		this.draining = true;
		try {
			ByteBuf frame;
			while ((frame = this.outbound.poll()) != null) {
				write(frame);
			}
		}
		finally {
			this.draining = nested;
		}
	}

	private void releaseOutbound() {
		ByteBuf frame;
		while ((frame = this.outbound.poll()) != null) {
			ReferenceCountUtil.release(frame);
		}
	}

	/**
	 * Return whether a frame was written since the last call, and start over. Connections
	 * use it to send keep-alive pings only when they have been quiet. Event loop only.
	 * @return {@code true} if a frame was written since the previous call
	 */
	protected final boolean checkWritten() {
		boolean result = this.written;
		this.written = false;
		return result;
	}

	/**
	 * Run a task on the connection's event loop: now if already on it, else soon.
	 * @param task the task
	 */
	protected final void execute(Runnable task) {
		if (this.eventLoop.inEventLoop()) {
			task.run();
		}
		else {
			this.eventLoop.execute(task);
		}
	}

	private void write(ByteBuf frame) {
		if (!this.ctx.channel().isActive()) {
			ReferenceCountUtil.release(frame);
			return;
		}
		sendPreface();
		int size = frame.readableBytes();
		if (this.outboundLimit > 0 && !this.ctx.channel().isWritable() && exceedsOutboundLimit(size)) {
			ReferenceCountUtil.release(frame);
			return;
		}
		this.ctx.write(frame, this.ctx.voidPromise());
		this.written = true;
		this.flushPending = true;
		if (this.reading) {
			// Flush part of a long read batch early: both sides then work at once instead
			// of handing the whole batch back and forth.
			this.unflushedBytes += size;
			if (++this.unflushedFrames >= FLUSH_FRAMES || this.unflushedBytes >= FLUSH_BYTES) {
				flushNow();
			}
		}
		else if (!this.draining && !this.flushScheduled) {
			this.flushScheduled = true;
			this.eventLoop.execute(this.flushTask);
		}
	}

	private boolean exceedsOutboundLimit(int size) {
		if (this.refusedForMemory) {
			return true;
		}
		Channel channel = this.ctx.channel();
		long waiting;
		if (channel instanceof MessageChannel messages) {
			waiting = messages.pendingBytes();
		}
		else {
			ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
			waiting = (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
		}
		if (waiting + size <= this.outboundLimit) {
			return false;
		}
		this.refusedForMemory = true;
		this.failed = true;
		logger.warn(
				"Closing easyrpc connection with {}: the peer does not read; {} bytes wait to be sent, "
						+ "and the outbound limit of a connection is {} bytes",
				remoteAddress(), waiting, this.outboundLimit);
		closeWithGoAway(RpcStatus.RESOURCE_EXHAUSTED,
				"The peer does not read: more than " + this.outboundLimit + " bytes wait to be sent to it");
		channel.eventLoop().schedule(() -> channel.close(), GOAWAY_LINGER_MILLIS, TimeUnit.MILLISECONDS);
		return true;
	}

	private void flushNow() {
		this.flushScheduled = false;
		this.unflushedFrames = 0;
		this.unflushedBytes = 0;
		if (this.flushPending) {
			this.flushPending = false;
			this.ctx.flush();
		}
	}

	/**
	 * Called when the peer's preface arrives, before any of its frames.
	 * @param preface the preface
	 */
	protected void prefaceReceived(Preface preface) {
		if (preface.version() != Preface.CURRENT_VERSION) {
			throw new ProtocolException(RpcStatus.UNAVAILABLE, "Unsupported easyrpc protocol version "
					+ preface.version() + "; this side speaks version " + Preface.CURRENT_VERSION);
		}
		this.peerMaxFrameSize = preface.maxFrameSize();
	}

	/**
	 * Called on the event loop for every frame the peer sends. Payload slices are valid
	 * only until this method returns.
	 * @param frame the frame
	 */
	protected abstract void frameReceived(Frame frame);

	/**
	 * Called once when TLS fails on the connection: the handshake failed (wrong
	 * certificate, a peer that does not speak TLS, a timeout) or a TLS record could not
	 * be read. The connection is closed right after. The default logs one line without a
	 * stack trace: a warning while the peer is still connected, at debug level when it
	 * has already gone, as port scanners and TCP health checks do.
	 * @param cause the failure
	 * @param peerConnected whether the connection was still open when TLS failed
	 */
	protected void tlsFailed(Throwable cause, boolean peerConnected) {
		if (peerConnected) {
			logger.warn("TLS with {} failed: {}", remoteAddress(), Tls.describe(cause));
		}
		else {
			logger.debug("TLS with {} failed: {}", remoteAddress(), Tls.describe(cause));
		}
	}

	/**
	 * Called when an idle-state handler in the pipeline reports idleness. The default
	 * does nothing.
	 * @param event the event
	 */
	protected void idle(IdleStateEvent event) {
	}

}
