package io.easyrpc.internal.server;

import java.util.List;
import java.util.Map;

import io.easyrpc.internal.CallObservers;
import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ServerCallObserver;

/**
 * Fans the events of a server out to its {@link ServerCallObserver}s.
 */
final class ServerObservers {

	private final CallObservers<ServerCallObserver> observers;

	ServerObservers(List<ServerCallObserver> observers) {
		this.observers = new CallObservers<>(observers, ServerCallObserver::start);
	}

	CallObservation observe(String methodKey, String peer, Map<String, String> headers, boolean oneWay,
			boolean serverStream, boolean clientStream, String transport, String protocol) {
		if (this.observers.isEmpty()) {
			return null;
		}
		return this.observers
			.start(new CallInfo(methodKey, peer, headers, oneWay, serverStream, clientStream, transport, protocol));
	}

	void rejected(String methodKey, String reason) {
		for (ServerCallObserver observer : this.observers.observers()) {
			observer.rejected(methodKey, reason);
		}
	}

	void deduplicated(String methodKey, String outcome) {
		for (ServerCallObserver observer : this.observers.observers()) {
			observer.deduplicated(methodKey, outcome);
		}
	}

	void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
		for (ServerCallObserver observer : this.observers.observers()) {
			observer.connectionRejected(connection, decision);
		}
	}

}
