package io.easyrpc.internal.client;

import io.easyrpc.RpcSession;

/**
 * The connection of a router that an {@link RpcSession} is pinned to: all the session's
 * calls through the router go to it, never to another subchannel.
 *
 * @param router the router
 * @param subchannel the subchannel the session started on
 * @param connection the connection the session's calls through the router use
 */
record SessionBinding(CallRouter router, Subchannel subchannel,
		ClientConnection connection) implements RpcSession.Binding {

	@Override
	public void end(RpcSession session) {
		this.router.endSession(this.connection, session);
	}

}
