package io.easyrpc.internal.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.easyrpc.RpcException;
import io.easyrpc.RpcSession;
import io.easyrpc.RpcStatus;
import io.easyrpc.ServerSession;
import io.easyrpc.internal.ContextAccess;
import io.easyrpc.internal.logging.LogSafe;
import io.easyrpc.server.ServerMethod;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one server connection, each created on its first call. The number of
 * sessions per connection is bounded so that a client cannot make the server keep
 * unbounded state; a session lives until the client ends it or the connection closes.
 * Sessions are created and ended on the event loop and counted from any thread.
 */
final class ConnectionSessions {

	private static final ContextAccess CONTEXTS = ContextAccess.get();

	// The lines it logs are the connection's: they keep its category.
	private static final Logger logger = LoggerFactory.getLogger(ServerConnection.class);

	private final Map<String, ServerSession> sessions = new ConcurrentHashMap<>();

	private final ServerRuntime server;

	private final ServerConnection connection;

	ConnectionSessions(ServerRuntime server, ServerConnection connection) {
		this.server = server;
		this.connection = connection;
	}

	/**
	 * Return the number of open sessions.
	 * @return the value
	 */
	int count() {
		return this.sessions.size();
	}

	/**
	 * Return the session of a call, created on its first call on this connection.
	 * @param method the method called
	 * @param id the session id the call carries, or {@code null}
	 * @return the session, or {@code null} for a call outside any session
	 * @throws RpcException if the id is invalid or the connection has too many sessions
	 */
	@Nullable ServerSession get(ServerMethod method, @Nullable String id) {
		if (id == null) {
			return null;
		}
		ServerSession session = this.sessions.get(id);
		if (session != null) {
			return session;
		}
		if (id.isEmpty() || id.length() > RpcSession.MAX_ID_LENGTH) {
			throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					"A session id must have 1 to " + RpcSession.MAX_ID_LENGTH + " characters, not " + id.length());
		}
		int limit = this.server.maxSessionsPerConnection();
		if (this.sessions.size() >= limit) {
			this.server.rejected(method.key(), "max-sessions");
			this.server.warnings()
				.warn(logger, "max-sessions",
						"Refusing a new easyrpc session from {}: the connection has {} open sessions",
						this.connection.remoteAddress(), limit);
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "A connection may have at most " + limit
					+ " open sessions (easyrpc.server.max-sessions-per-connection): close sessions that are done");
		}
		session = CONTEXTS.newSession(id);
		this.sessions.put(id, session);
		return session;
	}

	/**
	 * End a session the client ended.
	 * @param id the session id, or {@code null}
	 */
	void end(@Nullable String id) {
		ServerSession session = (id != null) ? this.sessions.remove(id) : null;
		if (session != null) {
			logger.debug("easyrpc session {} from {} ended by the client", LogSafe.text(id),
					this.connection.remoteAddress());
			CONTEXTS.end(session);
		}
	}

	/**
	 * End every session, when the connection closes.
	 */
	void endAll() {
		for (String id : this.sessions.keySet()) {
			ServerSession session = this.sessions.remove(id);
			if (session != null) {
				CONTEXTS.end(session);
			}
		}
	}

}
