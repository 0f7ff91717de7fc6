package io.easyrpc.client;

import java.util.List;

import io.easyrpc.transport.RpcAddress;
import org.jspecify.annotations.Nullable;

/**
 * Receives the notifications ({@code [2, method, params]}) that a plain MessagePack-RPC
 * server sends to a client, for example the events of a Neovim subscription. Set it with
 * {@link RpcChannel.Builder#msgpackRpcNotificationListener(MsgpackRpcNotificationListener)};
 * without one, such notifications are dropped (logged at {@code DEBUG}).
 * <p>
 * The listener is called on the I/O thread of the connection the notification arrived on,
 * in the order the server sent them: it must return quickly and must not block (hand
 * longer work to an executor, and never wait there for a call of the same channel). An
 * exception it throws is logged and the connection carries on.
 */
@FunctionalInterface
public interface MsgpackRpcNotificationListener {

	/**
	 * A notification arrived.
	 * @param server the address of the server that sent it
	 * @param method the method name of the notification
	 * @param params its params, decoded with the channel's codec into plain Java values
	 * (strings, numbers, booleans, {@code byte[]}, lists, maps and {@code null}); params
	 * sent as a map instead of an array are the only element of the list
	 */
	void onNotification(RpcAddress server, String method, List<@Nullable Object> params);

}
