package io.easyrpc.internal.protocol;

import io.easyrpc.RpcStatus;
import io.netty.buffer.ByteBuf;

/**
 * The connection preface each side sends before any frame: the magic bytes
 * {@code "ERPC"}, the protocol version, a flags byte and the largest frame the sender
 * accepts, as a big-endian unsigned 32-bit integer. Ten bytes in all.
 *
 * @param version the protocol version
 * @param flags the flags: {@link #FLAG_AUTH} in a server's preface, the other bits
 * reserved and {@code 0}
 * @param maxFrameSize the largest frame body, in bytes, that the sender accepts
 */
public record Preface(int version, int flags, int maxFrameSize) {

	/** The protocol version this implementation speaks. */
	public static final int CURRENT_VERSION = 1;

	/** The length of the preface in bytes. */
	public static final int LENGTH = 10;

	/** The magic number: the ASCII bytes {@code E R P C}. */
	public static final int MAGIC = 0x45525043;

	// A TLS handshake record: content type 22, protocol major version 3.
	private static final int TLS_HANDSHAKE_START = 0x1603;

	/**
	 * Flag of a server's preface: the server requires shared-secret authentication, and
	 * its next frame is an {@link FrameType#AUTH_CHALLENGE}.
	 */
	public static final int FLAG_AUTH = 0x01;

	/**
	 * Return whether this preface carries {@link #FLAG_AUTH}.
	 * @return {@code true} if the sender requires authentication
	 */
	public boolean requiresAuthentication() {
		return (this.flags & FLAG_AUTH) != 0;
	}

	/**
	 * Append this preface to a buffer.
	 * @param out the buffer
	 */
	public void writeTo(ByteBuf out) {
		out.writeInt(MAGIC);
		out.writeByte(this.version);
		out.writeByte(this.flags);
		out.writeInt(this.maxFrameSize);
	}

	/**
	 * Read a preface from the start of a buffer holding at least {@link #LENGTH} readable
	 * bytes, advancing its reader index.
	 * @param in the buffer
	 * @return the preface
	 * @throws ProtocolException if the bytes are not an easyrpc preface
	 */
	public static Preface readFrom(ByteBuf in) {
		int magic = in.readInt();
		if (magic != MAGIC) {
			if ((magic >>> 16) == TLS_HANDSHAKE_START) {
				throw new ProtocolException(RpcStatus.INVALID_ARGUMENT,
						"Not an easyrpc connection without TLS: the peer started a TLS handshake, "
								+ "but this side is not configured for TLS");
			}
			throw new ProtocolException(RpcStatus.INVALID_ARGUMENT,
					String.format("Not an easyrpc connection: expected preface 'ERPC', got 0x%08x", magic));
		}
		int version = in.readUnsignedByte();
		int flags = in.readUnsignedByte();
		long maxFrameSize = in.readUnsignedInt();
		return new Preface(version, flags, (int) Math.min(maxFrameSize, Integer.MAX_VALUE));
	}

}
