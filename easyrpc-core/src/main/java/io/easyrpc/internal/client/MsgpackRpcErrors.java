package io.easyrpc.internal.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.mprpc.MsgpackRpcCodec;
import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.netty.buffer.ByteBuf;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * Reads the error object of a MessagePack-RPC response into a status and a message. The
 * spec leaves the error's shape to the server, so the common ones are recognised:
 * <ul>
 * <li>a string: {@link RpcStatus#APPLICATION_ERROR} with that text;</li>
 * <li>a map with a {@code "message"} string, as easyrpc servers and many others send:
 * that text, and the status its {@code "status"} string names if it is one of
 * {@link RpcStatus} (else {@link RpcStatus#APPLICATION_ERROR});</li>
 * <li>an array such as Neovim's {@code [type, "message"]}: its strings joined with
 * {@code ": "}, {@link RpcStatus#APPLICATION_ERROR};</li>
 * <li>anything else: {@link RpcStatus#APPLICATION_ERROR} with the value written as
 * JSON.</li>
 * </ul>
 */
final class MsgpackRpcErrors {

	private MsgpackRpcErrors() {
	}

	/**
	 * Read an error object.
	 * @param error the raw MessagePack value, not nil
	 * @return the status and message
	 */
	static Error read(ByteBuf error) {
		Value value;
		try {
			MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(error);
			value = unpacker.unpackValue();
		}
		catch (IOException | RuntimeException ex) {
			return new Error(RpcStatus.APPLICATION_ERROR, "MessagePack-RPC error that cannot be read");
		}
		return read(value);
	}

	static Error read(Value value) {
		if (value.isStringValue()) {
			return new Error(RpcStatus.APPLICATION_ERROR, value.asStringValue().asString());
		}
		if (value.isMapValue()) {
			Map<Value, Value> map = value.asMapValue().map();
			String message = string(map, MsgpackRpcCodec.ERROR_MESSAGE);
			if (message != null) {
				return new Error(status(string(map, MsgpackRpcCodec.ERROR_STATUS)), message);
			}
		}
		if (value.isArrayValue()) {
			List<String> texts = new ArrayList<>();
			for (Value element : value.asArrayValue()) {
				if (element.isStringValue()) {
					texts.add(element.asStringValue().asString());
				}
			}
			if (!texts.isEmpty()) {
				return new Error(RpcStatus.APPLICATION_ERROR, String.join(": ", texts));
			}
		}
		return new Error(RpcStatus.APPLICATION_ERROR, value.toJson());
	}

	private static String string(Map<Value, Value> map, String key) {
		for (Map.Entry<Value, Value> entry : map.entrySet()) {
			if (entry.getKey().isStringValue() && key.equals(entry.getKey().asStringValue().asString())
					&& entry.getValue().isStringValue()) {
				return entry.getValue().asStringValue().asString();
			}
		}
		return null;
	}

	// A status an easyrpc server named; OK is no error, and names of other servers are
	// not statuses.
	private static RpcStatus status(String name) {
		if (name != null) {
			for (RpcStatus status : RpcStatus.values()) {
				if (status != RpcStatus.OK && status.name().equals(name)) {
					return status;
				}
			}
		}
		return RpcStatus.APPLICATION_ERROR;
	}

	/**
	 * A server's error as this client reports it.
	 *
	 * @param status the status
	 * @param message the message
	 */
	record Error(RpcStatus status, String message) {
	}

}
