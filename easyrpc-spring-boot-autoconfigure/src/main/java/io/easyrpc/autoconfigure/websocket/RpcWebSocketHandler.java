package io.easyrpc.autoconfigure.websocket;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.internal.server.MessageConnection;
import io.easyrpc.server.RpcServer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Serves the easyrpc services of an {@link RpcServer} over WebSocket: each session is one
 * easyrpc connection, with the peer's address and the transport name
 * {@value CallInfo#WEBSOCKET}, and each binary message carries the preface or one frame
 * body. Connection middleware, authentication, limits and observations apply as on TCP.
 * Text messages are refused: the session is closed with status 1003.
 */
public final class RpcWebSocketHandler extends AbstractWebSocketHandler implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RpcWebSocketHandler.class);

	private static final String CONNECTION_ATTRIBUTE = RpcWebSocketHandler.class.getName() + ".connection";

	private static final String SINK_ATTRIBUTE = RpcWebSocketHandler.class.getName() + ".sink";

	private final RpcServer server;

	private final ExecutorService sendExecutor;

	/**
	 * Create a handler for the services of a server.
	 * @param server the server; WebSocket sessions are refused while it is not running
	 */
	public RpcWebSocketHandler(RpcServer server) {
		this.server = server;
		this.sendExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new DefaultThreadFactory("easyrpc-websocket-send", true));
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		MessageConnection connection;
		WebSocketSink sink = new WebSocketSink(session, this.sendExecutor);
		try {
			connection = this.server.openMessageConnection(CallInfo.WEBSOCKET, session.getRemoteAddress(),
					session.getLocalAddress(), sink);
		}
		catch (IllegalStateException ex) {
			logger.debug("Refusing easyrpc WebSocket session from {}: {}", session.getRemoteAddress(), ex.getMessage());
			session.close(CloseStatus.SERVICE_RESTARTED.withReason("easyrpc server is not running"));
			return;
		}
		session.getAttributes().put(SINK_ATTRIBUTE, sink);
		session.getAttributes().put(CONNECTION_ATTRIBUTE, connection);
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		MessageConnection connection = connection(session);
		if (connection != null) {
			connection.receive(message.getPayload(), message.isLast());
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
		logger.warn("Closing easyrpc WebSocket session from {}: it sent a text message; easyrpc uses binary messages",
				session.getRemoteAddress());
		// Queued before the end of the connection queues the normal closure, so that the
		// session closes with this status; through the sink, so that the close does not
		// overlap a send of the server's.
		CloseStatus status = CloseStatus.NOT_ACCEPTABLE.withReason("easyrpc accepts binary messages only");
		WebSocketSink sink = (WebSocketSink) session.getAttributes().get(SINK_ATTRIBUTE);
		if (sink != null) {
			sink.close(status);
		}
		else {
			session.close(status);
		}
		close(session);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("easyrpc WebSocket session from {} failed", session.getRemoteAddress(), exception);
		close(session);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		close(session);
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	private static MessageConnection connection(WebSocketSession session) {
		return (MessageConnection) session.getAttributes().get(CONNECTION_ATTRIBUTE);
	}

	private static void close(WebSocketSession session) {
		MessageConnection connection = connection(session);
		if (connection != null) {
			connection.close();
		}
	}

	@Override
	public void destroy() {
		this.sendExecutor.shutdown();
	}

}
