package io.easyrpc.internal.server;

import java.util.List;

import io.easyrpc.RpcStatus;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ConnectionMiddleware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a server's connection middleware over one connection: asks each in order until one
 * refuses, logs a refusal, and tells every middleware that accepted when the connection
 * closes. Used on the connection's event loop only.
 */
final class ConnectionAdmission {

	/** The reason counted when a middleware throws or returns {@code null}. */
	static final String FAILURE_REASON = "connection-middleware-error";

	private static final Logger logger = LoggerFactory.getLogger(ConnectionAdmission.class);

	private final List<ConnectionMiddleware> middleware;

	private ConnectionInfo connection;

	// The first 'accepted' middleware said yes and are owed an onClose.
	private int accepted;

	private boolean closed;

	ConnectionAdmission(List<ConnectionMiddleware> middleware) {
		this.middleware = middleware;
	}

	/**
	 * Ask every middleware about the connection, in order, until one refuses.
	 * @param connection the connection
	 * @return the decision: accepted if every middleware accepted
	 */
	ConnectionDecision admit(ConnectionInfo connection) {
		this.connection = connection;
		for (ConnectionMiddleware candidate : this.middleware) {
			ConnectionDecision decision;
			try {
				decision = candidate.onConnect(connection);
			}
			catch (Exception ex) {
				logger.warn("Refused easyrpc connection from {}: connection middleware {} failed",
						connection.remoteAddress(), candidate.getClass().getName(), ex);
				return failure();
			}
			if (decision == null) {
				logger.warn("Refused easyrpc connection from {}: connection middleware {} returned no decision",
						connection.remoteAddress(), candidate.getClass().getName());
				return failure();
			}
			if (!decision.isAccepted()) {
				logger.warn("Refused easyrpc connection from {}: {} ({})", connection.remoteAddress(),
						decision.message(), decision.status());
				return decision;
			}
			this.accepted++;
		}
		return ConnectionDecision.accept();
	}

	private static ConnectionDecision failure() {
		return ConnectionDecision.reject(RpcStatus.INTERNAL, "The server failed to check the connection",
				FAILURE_REASON);
	}

	/**
	 * Tell every middleware that accepted the connection that it closed. Does nothing the
	 * second time.
	 */
	void closed() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (int i = 0; i < this.accepted; i++) {
			ConnectionMiddleware candidate = this.middleware.get(i);
			try {
				candidate.onClose(this.connection);
			}
			catch (Exception ex) {
				logger.warn("Connection middleware {} failed on the close of the connection from {}",
						candidate.getClass().getName(), this.connection.remoteAddress(), ex);
			}
		}
	}

}
