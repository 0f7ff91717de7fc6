package io.easyrpc.codec;

import java.io.IOException;
import java.io.InputStream;

import org.msgpack.core.MessageUnpacker;

/**
 * Hands a caller's {@link MessageUnpacker} to {@link MessagePackFactory} through
 * Jackson's stream-based reader API, so that the reader creates the parser with its own
 * deserialization context. The factory recognises this type and parses exactly one value
 * from the unpacker, leaving it positioned behind that value; the stream itself has no
 * bytes to offer.
 */
final class UnpackerSource extends InputStream {

	private final MessageUnpacker unpacker;

	UnpackerSource(MessageUnpacker unpacker) {
		this.unpacker = unpacker;
	}

	MessageUnpacker unpacker() {
		return this.unpacker;
	}

	@Override
	public int read() throws IOException {
		throw new IOException("An unpacker source can only be read by a MessagePack parser");
	}

}
