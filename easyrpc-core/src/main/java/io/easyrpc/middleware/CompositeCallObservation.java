package io.easyrpc.middleware;

import java.util.List;

import io.easyrpc.RpcStatus;

/**
 * Several observations of one call, opened in order and closed in reverse order.
 */
final class CompositeCallObservation implements CallObservation {

	private final List<CallObservation> observations;

	CompositeCallObservation(List<CallObservation> observations) {
		this.observations = observations;
	}

	@Override
	public Scope openScope() {
		Scope[] scopes = new Scope[this.observations.size()];
		for (int i = 0; i < scopes.length; i++) {
			scopes[i] = this.observations.get(i).openScope();
		}
		return () -> {
			for (int i = scopes.length - 1; i >= 0; i--) {
				scopes[i].close();
			}
		};
	}

	@Override
	public void instance(String address) {
		for (int i = 0; i < this.observations.size(); i++) {
			this.observations.get(i).instance(address);
		}
	}

	@Override
	public void messages(long sent, long received) {
		for (int i = this.observations.size() - 1; i >= 0; i--) {
			this.observations.get(i).messages(sent, received);
		}
	}

	@Override
	public void stop(RpcStatus status, Throwable error) {
		for (int i = this.observations.size() - 1; i >= 0; i--) {
			this.observations.get(i).stop(status, error);
		}
	}

}
