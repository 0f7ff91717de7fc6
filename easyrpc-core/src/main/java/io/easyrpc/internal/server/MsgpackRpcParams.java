package io.easyrpc.internal.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.easyrpc.internal.protocol.MessagePackBuffers;
import io.easyrpc.server.ServerMethod;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Turns the params of a MessagePack-RPC message into the arguments payload of an easyrpc
 * call, which is an array (positional) or a map of parameter names (named).
 * <p>
 * The spec's params are an array, and MessagePack-RPC clients send named arguments as an
 * array holding one map. So {@code [map]} counts as named when the map is not empty and
 * every key is the name of a parameter of the method, unless the method's only parameter
 * is itself a {@link Map}; an empty map is named (no arguments) for a method without
 * parameters. Anything else is positional. A map sent instead of the array is named.
 */
final class MsgpackRpcParams {

	private static final int FIXARRAY_OF_ONE = 0x91;

	private MsgpackRpcParams() {
	}

	/**
	 * Return the arguments payload for a call.
	 * @param method the method called, or {@code null} if unknown
	 * @param params the raw params of the message
	 * @return the params themselves, or the slice of the map inside them when they are
	 * named params
	 */
	static ByteBuf arguments(@Nullable ServerMethod method, ByteBuf params) {
		if (method == null || params.readableBytes() < 2
				|| params.getUnsignedByte(params.readerIndex()) != FIXARRAY_OF_ONE) {
			return params;
		}
		ByteBuf inner = params.slice(params.readerIndex() + 1, params.readableBytes() - 1);
		try {
			MessageUnpacker unpacker = MessagePackBuffers.get().unpacker(inner);
			if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
				return params;
			}
			List<String> names = method.parameterNames();
			int entries = unpacker.unpackMapHeader();
			if (entries == 0) {
				return names.isEmpty() ? inner : params;
			}
			if (names.size() == 1 && Map.class.isAssignableFrom(method.method().getParameterTypes()[0])) {
				return params;
			}
			for (int i = 0; i < entries; i++) {
				if (unpacker.getNextFormat().getValueType() != ValueType.STRING
						|| !names.contains(unpacker.unpackString())) {
					return params;
				}
				unpacker.skipValue();
			}
			return inner;
		}
		catch (IOException | MessagePackException | IndexOutOfBoundsException ex) {
			// Malformed inside: the arguments decoder reports it as it does for easyrpc.
			return params;
		}
	}

}
