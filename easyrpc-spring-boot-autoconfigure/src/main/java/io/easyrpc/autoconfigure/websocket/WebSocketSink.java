package io.easyrpc.autoconfigure.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.easyrpc.internal.transport.MessageChannel;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * Sends the server's messages to one WebSocket session. A WebSocket send may block until
 * the peer reads, so messages are queued and sent, in order, by one task at a time on the
 * send executor, never on the event loop that produced them. A close waits behind the
 * messages queued before it. Each message is sent from the buffer the server encoded it
 * into, which is released once the send returns. The channel is told of every message
 * sent or dropped, so that it stops being writable while the queue holds more than its
 * high-water mark: a peer that does not read holds back the server's streams, and its
 * connection is ended once the queue exceeds the server's outbound limit.
 */
final class WebSocketSink implements MessageChannel.Sink {

	private static final Logger logger = LoggerFactory.getLogger(WebSocketSink.class);

	// A close frame's reason may hold at most 123 bytes of UTF-8.
	private static final int MAX_REASON_BYTES = 123;

	private final WebSocketSession session;

	private final Executor executor;

	private final Queue<Object> queue = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Runnable drainTask = this::drain;

	private volatile boolean failed;

	private volatile MessageChannel channel;

	WebSocketSink(WebSocketSession session, Executor executor) {
		this.session = session;
		this.executor = executor;
	}

	@Override
	public void opened(MessageChannel channel) {
		this.channel = channel;
		channel.countSends();
	}

	@Override
	public void send(ByteBuf message) {
		if (this.failed) {
			done(message);
			return;
		}
		this.queue.offer(message);
		schedule();
	}

	@Override
	public void close(String reason) {
		this.queue
			.offer((reason != null) ? CloseStatus.PROTOCOL_ERROR.withReason(truncate(reason)) : CloseStatus.NORMAL);
		schedule();
	}

	/**
	 * Close the session with a status of the transport's own, such as a refused text
	 * message, after the messages queued before. Closes come through the queue because a
	 * session's close and the sender's sends must not overlap: Tomcat aborts the
	 * connection, without a close frame, when a close meets a send in progress, and the
	 * peer then sees {@code 1006} instead of the status.
	 * @param status the status to close with
	 */
	void close(CloseStatus status) {
		this.queue.offer(status);
		schedule();
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.executor.execute(this.drainTask);
			}
			catch (RejectedExecutionException ex) {
				// The application is shutting down and the session with it.
				this.scheduled.set(false);
				discardQueued();
			}
		}
	}

	private void drain() {
		do {
			Object item;
			while ((item = this.queue.poll()) != null) {
				if (item instanceof ByteBuf message) {
					sendMessage(message);
				}
				else {
					closeSession((CloseStatus) item);
				}
			}
			this.scheduled.set(false);
		}
		while (!this.queue.isEmpty() && this.scheduled.compareAndSet(false, true));
	}

	private void sendMessage(ByteBuf message) {
		try {
			if (this.failed || !this.session.isOpen()) {
				return;
			}
			// The send returns once the container is done with the bytes.
			this.session.sendMessage(new BinaryMessage(message.nioBuffer()));
		}
		catch (IOException | RuntimeException ex) {
			this.failed = true;
			logger.debug("Sending to easyrpc WebSocket session {} from {} failed", this.session.getId(),
					this.session.getRemoteAddress(), ex);
			closeSession(CloseStatus.SESSION_NOT_RELIABLE);
		}
		finally {
			done(message);
		}
	}

	private void done(ByteBuf message) {
		int size = message.readableBytes();
		message.release();
		MessageChannel target = this.channel;
		if (target != null) {
			target.messageSent(size);
		}
	}

	private void closeSession(CloseStatus status) {
		this.failed = true;
		discardQueued();
		if (this.session.isOpen()) {
			try {
				this.session.close(status);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Closing easyrpc WebSocket session {} failed", this.session.getId(), ex);
			}
		}
	}

	// Messages queued after a close or a failed send are not sent.
	private void discardQueued() {
		Object item;
		while ((item = this.queue.poll()) != null) {
			if (item instanceof ByteBuf message) {
				done(message);
			}
			else {
				ReferenceCountUtil.release(item);
			}
		}
	}

	static String truncate(String reason) {
		byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= MAX_REASON_BYTES) {
			return reason;
		}
		int end = Math.min(reason.length(), MAX_REASON_BYTES - 3);
		while (end > 0
				&& (reason.substring(0, end) + "...").getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
			end--;
		}
		return reason.substring(0, end) + "...";
	}

}
