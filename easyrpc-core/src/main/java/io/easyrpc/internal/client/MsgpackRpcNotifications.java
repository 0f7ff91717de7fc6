package io.easyrpc.internal.client;

import java.util.List;

import io.easyrpc.transport.RpcAddress;

/**
 * Where a client connection to a plain MessagePack-RPC server hands the server's
 * notifications: the engine's side of the public listener, which the channel adapts.
 */
@FunctionalInterface
public interface MsgpackRpcNotifications {

	/**
	 * A notification arrived, on the connection's I/O thread.
	 * @param server the address of the server that sent it
	 * @param method the method name of the notification
	 * @param params its params, decoded into plain Java values
	 */
	void notification(RpcAddress server, String method, List<Object> params);

}
