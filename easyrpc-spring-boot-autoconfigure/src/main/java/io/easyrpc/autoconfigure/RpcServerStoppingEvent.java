package io.easyrpc.autoconfigure;

import io.easyrpc.server.RpcServer;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the easyrpc server begins to shut down, before it refuses new calls and
 * drains those in flight. Its source is the {@link RpcServer}. While it drains, the
 * {@code easyrpc} health indicator reports {@code OUT_OF_SERVICE}.
 */
public class RpcServerStoppingEvent extends ApplicationEvent {

	/**
	 * Create the event.
	 * @param server the server
	 */
	public RpcServerStoppingEvent(RpcServer server) {
		super(server);
	}

	/**
	 * Return the server.
	 * @return the server
	 */
	public RpcServer getServer() {
		return (RpcServer) getSource();
	}

}
