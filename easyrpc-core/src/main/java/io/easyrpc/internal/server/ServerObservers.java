package io.easyrpc.internal.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import io.easyrpc.middleware.ConnectionDecision;
import io.easyrpc.middleware.ConnectionInfo;
import io.easyrpc.middleware.ServerCallObserver;

/**
 * Fans the events of a server out to its {@link ServerCallObserver}s.
 */
final class ServerObservers {

	private final List<ServerCallObserver> observers;

	ServerObservers(List<ServerCallObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	CallObservation observe(String methodKey, String peer, Map<String, String> headers, boolean oneWay,
			boolean serverStream, boolean clientStream, String transport) {
		if (this.observers.isEmpty()) {
			return null;
		}
		CallInfo info = new CallInfo(methodKey, peer, headers, oneWay, serverStream, clientStream, transport);
		if (this.observers.size() == 1) {
			return this.observers.get(0).start(info);
		}
		List<CallObservation> observations = new ArrayList<>(this.observers.size());
		for (ServerCallObserver observer : this.observers) {
			observations.add(observer.start(info));
		}
		return CallObservation.of(observations);
	}

	void rejected(String methodKey, String reason) {
		for (ServerCallObserver observer : this.observers) {
			observer.rejected(methodKey, reason);
		}
	}

	void connectionRejected(ConnectionInfo connection, ConnectionDecision decision) {
		for (ServerCallObserver observer : this.observers) {
			observer.connectionRejected(connection, decision);
		}
	}

}
