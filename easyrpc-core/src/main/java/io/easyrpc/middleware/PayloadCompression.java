package io.easyrpc.middleware;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import org.jspecify.annotations.Nullable;

/**
 * Compresses payloads of at least a threshold size with DEFLATE ({@link Deflater} and
 * {@link Inflater} of the JDK, raw RFC 1951 data without zlib header). Every payload gets
 * a leading marker byte: <pre>
 * 0x00  stored: the rest is the payload as it is
 * 0x01  deflated: bytes 1 to 4 hold the inflated length (big-endian), the rest is DEFLATE data
 * </pre> So a payload below the threshold costs one byte, and a compressed one five. A
 * payload that does not get smaller by compression is sent stored.
 * <p>
 * Incoming payloads are inflated into exactly the declared length, never more: a declared
 * length above the limit (default 8 MiB, the default maximum frame size) is refused with
 * {@link RpcStatus#RESOURCE_EXHAUSTED} before anything is inflated, so a small message
 * cannot make the receiver allocate a large buffer (a "zip bomb"). Data that inflates to
 * more or fewer bytes than declared, corrupt data and unknown markers are refused with
 * {@link RpcStatus#INVALID_ARGUMENT}.
 * <p>
 * Deflaters and inflaters are pooled and reused; {@link #close()} releases the native
 * memory of the pooled ones. This instance is thread-safe.
 */
public final class PayloadCompression implements RpcProcessor, AutoCloseable {

	/** Default smallest payload that is compressed: 1 KiB. */
	public static final int DEFAULT_THRESHOLD = 1024;

	/** Default largest inflated payload: 8 MiB. */
	public static final int DEFAULT_MAX_INFLATED_SIZE = 8 * 1024 * 1024;

	private static final byte STORED = 0;

	private static final byte DEFLATED = 1;

	private static final int DEFLATED_HEADER = 5;

	private final int threshold;

	private final int maxInflatedSize;

	private final int level;

	private final InstancePool<Deflater> deflaters;

	private final InstancePool<Inflater> inflaters;

	private PayloadCompression(Builder builder) {
		this.threshold = builder.threshold;
		this.maxInflatedSize = builder.maxInflatedSize;
		this.level = builder.level;
		int capacity = InstancePool.defaultCapacity();
		this.deflaters = new InstancePool<>(capacity, () -> new Deflater(this.level, true), Deflater::end);
		this.inflaters = new InstancePool<>(capacity, () -> new Inflater(true), Inflater::end);
	}

	/**
	 * Start building a payload compression processor.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the smallest payload that is compressed.
	 * @return the threshold in bytes
	 */
	public int threshold() {
		return this.threshold;
	}

	/**
	 * Return the largest size an incoming payload may inflate to.
	 * @return the limit in bytes
	 */
	public int maxInflatedSize() {
		return this.maxInflatedSize;
	}

	/**
	 * Return the DEFLATE compression level.
	 * @return the level, 0 to 9
	 */
	public int level() {
		return this.level;
	}

	@Override
	public byte[] outbound(MessageInfo message, byte[] payload) {
		if (payload.length >= this.threshold && payload.length > DEFLATED_HEADER) {
			byte[] compressed = deflate(payload);
			if (compressed != null) {
				return compressed;
			}
		}
		byte[] stored = new byte[payload.length + 1];
		stored[0] = STORED;
		System.arraycopy(payload, 0, stored, 1, payload.length);
		return stored;
	}

	/**
	 * Deflate a payload, or return {@code null} when the result, with its header, would
	 * not be shorter than the stored form.
	 */
	private byte @Nullable [] deflate(byte[] payload) {
		// the stored form takes payload.length + 1 bytes: anything longer does not pay
		byte[] out = new byte[payload.length];
		Deflater deflater = this.deflaters.take();
		try {
			deflater.setInput(payload);
			deflater.finish();
			int length = DEFLATED_HEADER;
			while (!deflater.finished() && length < out.length) {
				int written = deflater.deflate(out, length, out.length - length);
				if (written == 0) {
					break;
				}
				length += written;
			}
			if (!deflater.finished()) {
				return null;
			}
			out[0] = DEFLATED;
			writeInt(out, 1, payload.length);
			return Arrays.copyOf(out, length);
		}
		finally {
			deflater.reset();
			this.deflaters.give(deflater);
		}
	}

	@Override
	public byte[] inbound(MessageInfo message, byte[] payload) {
		if (payload.length == 0) {
			throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					"payload has no compression marker; both sides must enable payload compression");
		}
		return switch (payload[0]) {
			case STORED -> Arrays.copyOfRange(payload, 1, payload.length);
			case DEFLATED -> inflate(payload);
			default -> throw new RpcException(RpcStatus.INVALID_ARGUMENT,
					String.format("unknown compression marker 0x%02x; both sides must enable payload compression",
							payload[0] & 0xFF));
		};
	}

	private byte[] inflate(byte[] payload) {
		if (payload.length < DEFLATED_HEADER + 1) {
			throw corrupt("compressed payload is truncated");
		}
		long size = readInt(payload, 1) & 0xFFFFFFFFL;
		if (size > this.maxInflatedSize) {
			throw new RpcException(RpcStatus.RESOURCE_EXHAUSTED, "compressed payload would inflate to " + size
					+ " bytes, more than the limit of " + this.maxInflatedSize + " bytes");
		}
		byte[] out = new byte[(int) size];
		Inflater inflater = this.inflaters.take();
		try {
			inflater.setInput(payload, DEFLATED_HEADER, payload.length - DEFLATED_HEADER);
			int length = 0;
			while (length < out.length) {
				int read = inflater.inflate(out, length, out.length - length);
				if (read == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
					break;
				}
				length += read;
			}
			if (length < out.length) {
				throw corrupt("compressed payload inflates to fewer bytes than the " + size + " it declares");
			}
			if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
				throw corrupt("compressed payload inflates to more bytes than the " + size + " it declares");
			}
			if (!inflater.finished() || inflater.getRemaining() > 0) {
				throw corrupt("compressed payload does not end where its DEFLATE data ends");
			}
			return out;
		}
		catch (DataFormatException ex) {
			throw corrupt("compressed payload is corrupt: " + ex.getMessage());
		}
		finally {
			inflater.reset();
			this.inflaters.give(inflater);
		}
	}

	private static RpcException corrupt(String message) {
		return new RpcException(RpcStatus.INVALID_ARGUMENT, message);
	}

	/**
	 * Release the pooled deflaters and inflaters. The processor still works afterwards,
	 * without reuse.
	 */
	@Override
	public void close() {
		this.deflaters.close();
		this.inflaters.close();
	}

	private static void writeInt(byte[] bytes, int offset, int value) {
		bytes[offset] = (byte) (value >>> 24);
		bytes[offset + 1] = (byte) (value >>> 16);
		bytes[offset + 2] = (byte) (value >>> 8);
		bytes[offset + 3] = (byte) value;
	}

	private static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8)
				| (bytes[offset + 3] & 0xFF);
	}

	/**
	 * Builds a {@link PayloadCompression}.
	 */
	public static final class Builder {

		private int threshold = DEFAULT_THRESHOLD;

		private int maxInflatedSize = DEFAULT_MAX_INFLATED_SIZE;

		private int level = Deflater.BEST_SPEED;

		private Builder() {
		}

		/**
		 * Set the smallest payload that is compressed; default 1024 bytes. Smaller
		 * payloads are sent as they are, after a one-byte marker.
		 * @param threshold the threshold in bytes, not negative
		 * @return this builder
		 */
		public Builder threshold(int threshold) {
			if (threshold < 0) {
				throw new IllegalArgumentException("Compression threshold must not be negative, was " + threshold);
			}
			this.threshold = threshold;
			return this;
		}

		/**
		 * Set the largest size an incoming payload may inflate to; default 8 MiB. Larger
		 * ones are refused with {@link RpcStatus#RESOURCE_EXHAUSTED}.
		 * @param maxInflatedSize the limit in bytes, positive
		 * @return this builder
		 */
		public Builder maxInflatedSize(int maxInflatedSize) {
			if (maxInflatedSize < 1) {
				throw new IllegalArgumentException("Inflated size limit must be positive, was " + maxInflatedSize);
			}
			this.maxInflatedSize = maxInflatedSize;
			return this;
		}

		/**
		 * Set the DEFLATE level, from 0 (none) to 9 (smallest); default 1 (fastest),
		 * which suits RPC payloads best: most of the gain at a fraction of the time.
		 * @param level the level
		 * @return this builder
		 */
		public Builder level(int level) {
			if (level < 0 || level > 9) {
				throw new IllegalArgumentException("Compression level must be 0 to 9, was " + level);
			}
			this.level = level;
			return this;
		}

		/**
		 * Build the processor.
		 * @return the processor
		 */
		public PayloadCompression build() {
			return new PayloadCompression(this);
		}

	}

}
