package io.easyrpc.autoconfigure;

import java.time.Duration;

import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerListener;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the easyrpc server has stopped: calls in flight drained (or the drain
 * timed out), connections closed, addresses released. Its source is the
 * {@link RpcServer}.
 */
public class RpcServerStoppedEvent extends ApplicationEvent {

	private final RpcServerListener.Drain drain;

	/**
	 * Create the event.
	 * @param server the server
	 * @param drain what the drain did
	 */
	public RpcServerStoppedEvent(RpcServer server, RpcServerListener.Drain drain) {
		super(server);
		this.drain = drain;
	}

	/**
	 * Return the server.
	 * @return the server
	 */
	public RpcServer getServer() {
		return (RpcServer) getSource();
	}

	/**
	 * Return how many calls in flight at the start of the stop finished within the drain
	 * timeout.
	 * @return the drained calls
	 */
	public int getDrainedCalls() {
		return this.drain.drainedCalls();
	}

	/**
	 * Return how many calls were still in flight when the drain timed out.
	 * @return the abandoned calls, 0 after a complete drain
	 */
	public int getAbandonedCalls() {
		return this.drain.abandonedCalls();
	}

	/**
	 * Return how long the stop took.
	 * @return the duration
	 */
	public Duration getDuration() {
		return this.drain.duration();
	}

}
