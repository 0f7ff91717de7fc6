package io.easyrpc.client;

import io.easyrpc.RpcSession;

/**
 * The connection of a channel that an {@link RpcSession} is pinned to.
 *
 * @param channel the channel
 * @param connection the connection the session's calls through the channel use
 */
record SessionBinding(RpcChannel channel, ClientConnection connection) implements RpcSession.Binding {

	@Override
	public void end(RpcSession session) {
		this.channel.endSession(this.connection, session);
	}

}
