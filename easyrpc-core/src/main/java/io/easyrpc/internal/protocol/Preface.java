package io.easyrpc.internal.protocol;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.CodecFormat;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The connection preface each side sends before any frame: the magic bytes
 * {@code "ERPC"}, the protocol version, a flags byte and the largest frame the sender
 * accepts, as a big-endian unsigned 32-bit integer. Ten bytes in all.
 *
 * @param version the protocol version
 * @param flags the flags: {@link #FLAG_AUTH} and {@link #FLAG_JSON} in a server's
 * preface, the payload codec in bits 4 to 7 of a client's ({@link #codecFlags}), the
 * other bits reserved and {@code 0}
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
	 * Flag of a server's preface: the server accepts connections whose payloads are JSON.
	 * Servers before the JSON codec leave it clear.
	 */
	public static final int FLAG_JSON = 0x02;

	// Bits 4 to 7 of a client's flags: the codec of its payloads. 0, what every client
	// before the JSON codec sends, is MessagePack.
	private static final int CODEC_SHIFT = 4;

	private static final int CODEC_MASK = 0x0f;

	private static final int CODEC_MSGPACK = 0;

	private static final int CODEC_JSON = 1;

	/**
	 * Return the flags bits that announce a payload codec in a client's preface.
	 * @param format the codec's format
	 * @return the bits: {@code 0x00} for MessagePack, {@code 0x10} for JSON
	 */
	public static int codecFlags(CodecFormat format) {
		return switch (format) {
			case MSGPACK -> CODEC_MSGPACK << CODEC_SHIFT;
			case JSON -> CODEC_JSON << CODEC_SHIFT;
		};
	}

	/**
	 * Return the payload codec a client's preface announces.
	 * @return the format, or {@code null} for a codec number this side does not know
	 */
	public @Nullable CodecFormat codec() {
		return switch ((this.flags >>> CODEC_SHIFT) & CODEC_MASK) {
			case CODEC_MSGPACK -> CodecFormat.MSGPACK;
			case CODEC_JSON -> CodecFormat.JSON;
			default -> null;
		};
	}

	/**
	 * Return the payload codec number a client's preface announces, bits 4 to 7 of its
	 * flags.
	 * @return the number
	 */
	public int codecNumber() {
		return (this.flags >>> CODEC_SHIFT) & CODEC_MASK;
	}

	/**
	 * Return whether this (server's) preface carries {@link #FLAG_JSON}.
	 * @return {@code true} if the sender accepts JSON payloads
	 */
	public boolean acceptsJson() {
		return (this.flags & FLAG_JSON) != 0;
	}

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
