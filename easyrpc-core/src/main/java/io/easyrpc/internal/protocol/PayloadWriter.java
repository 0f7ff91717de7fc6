package io.easyrpc.internal.protocol;

import java.io.IOException;

import org.msgpack.core.MessagePacker;

/**
 * Writes the payload of a frame: the arguments of a request or the result of a call.
 */
@FunctionalInterface
public interface PayloadWriter {

	/**
	 * Write the payload as MessagePack.
	 * @param packer the packer to write to
	 * @throws IOException if the packer fails
	 */
	void writeTo(MessagePacker packer) throws IOException;

}
