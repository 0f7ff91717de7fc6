package io.easyrpc.codec;

import io.easyrpc.internal.msgpack.UniversalBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

/**
 * A growable in-memory MessagePack output whose container headers can be written after
 * their content. MessagePack puts the entry count in front of a map or array, but Jackson
 * only knows how many properties a bean has once it has written them all. A container is
 * therefore opened with a provisional header, packed by msgpack-core from the size hint
 * (or zero), and when it closes the real header is packed and copied over the provisional
 * one; if the real header is wider or narrower, the content behind it is moved. The
 * result is the same compact encoding any MessagePack library produces.
 * <p>
 * The packer writes straight into the backing array: {@link #next(int)} hands out the
 * free tail of the array, so header offsets can be computed from
 * {@link MessagePacker#getTotalWrittenBytes()} without flushing. Instances are reused
 * through {@link #reset()} and are not thread-safe.
 * <p>
 * The class is also an {@link OutputStream} so that {@link MessagePackFactory} can
 * recognise it as a generator target and pack into it directly instead of copying.
 */
final class MessagePackBuffer extends OutputStream implements MessageBufferOutput {

	static {
		UniversalBuffer.select();
	}

	private static final int INITIAL_CAPACITY = 1024;

	private static final int MIN_REGION = 512;

	private static final int RETAINED_CAPACITY = 256 * 1024;

	private static final int MAX_CAPACITY = Integer.MAX_VALUE - 16;

	private static final int STACK_ENTRY = 3;

	private byte[] array = new byte[INITIAL_CAPACITY];

	/** All of {@link #array}, handed out when a value starts; saves a wrap per value. */
	private MessageBuffer wholeArray;

	private int size;

	/** Bytes the content has been moved by, so positions stay in step with the packer. */
	private int shift;

	/** Per open container: header offset, provisional header width, provisional count. */
	private int[] stack = new int[STACK_ENTRY * 8];

	private int depth;

	private final MessagePacker packer = MessagePack.DEFAULT_PACKER_CONFIG.newPacker((MessageBufferOutput) this);

	private final HeaderOutput headerOutput = new HeaderOutput();

	private final MessagePacker headerPacker = MessagePack.newDefaultPacker(this.headerOutput);

	/**
	 * Return the packer that appends to this buffer.
	 * @return the packer
	 */
	MessagePacker packer() {
		return this.packer;
	}

	/**
	 * Return the number of bytes packed so far, including bytes the packer has not yet
	 * committed to this buffer.
	 * @return the current position
	 */
	int position() {
		return (int) this.packer.getTotalWrittenBytes() + this.shift;
	}

	/**
	 * Return the number of open containers.
	 * @return the nesting depth
	 */
	int depth() {
		return this.depth;
	}

	/**
	 * Open a map or array with a provisional header for {@code sizeHint} entries.
	 * @param map whether the container is a map
	 * @param sizeHint the expected number of entries, or a negative value if unknown
	 * @throws IOException never for this in-memory output
	 */
	void startContainer(boolean map, int sizeHint) throws IOException {
		int provisional = Math.max(sizeHint, 0);
		int offset = position();
		if (map) {
			this.packer.packMapHeader(provisional);
		}
		else {
			this.packer.packArrayHeader(provisional);
		}
		if (this.stack.length < (this.depth + 1) * STACK_ENTRY) {
			this.stack = Arrays.copyOf(this.stack, this.stack.length * 2);
		}
		int base = this.depth * STACK_ENTRY;
		this.stack[base] = offset;
		this.stack[base + 1] = position() - offset;
		this.stack[base + 2] = provisional;
		this.depth++;
	}

	/**
	 * Close the innermost container, fixing its header if the count differs from the
	 * provisional one.
	 * @param map whether the container is a map
	 * @param count the number of entries (key/value pairs for a map) actually written
	 * @throws IOException never for this in-memory output
	 */
	void endContainer(boolean map, int count) throws IOException {
		this.depth--;
		int base = this.depth * STACK_ENTRY;
		if (count == this.stack[base + 2]) {
			return;
		}
		int offset = this.stack[base];
		int provisionalWidth = this.stack[base + 1];
		if (map) {
			this.headerPacker.packMapHeader(count);
		}
		else {
			this.headerPacker.packArrayHeader(count);
		}
		this.headerPacker.flush();
		int width = this.headerOutput.length;
		if (width != provisionalWidth) {
			// Commit everything the packer holds so the content can be moved as a whole.
			this.packer.flush();
			int contentStart = offset + provisionalWidth;
			ensureCapacity(this.size + width - provisionalWidth);
			System.arraycopy(this.array, contentStart, this.array, offset + width, this.size - contentStart);
			this.size += width - provisionalWidth;
			this.shift += width - provisionalWidth;
		}
		System.arraycopy(this.headerOutput.bytes, 0, this.array, offset, width);
	}

	/**
	 * Commit everything packed so far to the backing array.
	 * @throws IOException never for this in-memory output
	 */
	void finish() throws IOException {
		this.packer.flush();
	}

	/**
	 * Return the backing array; valid up to {@link #size()} after {@link #finish()}.
	 * @return the backing array
	 */
	byte[] array() {
		return this.array;
	}

	/**
	 * Return the number of committed bytes.
	 * @return the size
	 */
	int size() {
		return this.size;
	}

	/**
	 * Discard the content so the buffer can be used again, releasing a backing array that
	 * grew large for a single big value.
	 */
	void reset() {
		try {
			this.packer.reset(this);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.size = 0;
		this.shift = 0;
		this.depth = 0;
		if (this.array.length > RETAINED_CAPACITY) {
			this.array = new byte[INITIAL_CAPACITY];
			this.wholeArray = null;
		}
	}

	private void ensureCapacity(int required) {
		if (required < 0 || required > MAX_CAPACITY) {
			throw new CodecException("Cannot encode a MessagePack value larger than " + MAX_CAPACITY + " bytes");
		}
		if (required > this.array.length) {
			int grown = (int) Math.min(MAX_CAPACITY, Math.max(required, this.array.length * 2L));
			this.array = Arrays.copyOf(this.array, grown);
			this.wholeArray = null;
		}
	}

	@Override
	public MessageBuffer next(int minimumSize) {
		ensureCapacity(this.size + Math.max(minimumSize, MIN_REGION));
		if (this.size == 0) {
			if (this.wholeArray == null) {
				this.wholeArray = MessageBuffer.wrap(this.array);
			}
			return this.wholeArray;
		}
		return MessageBuffer.wrap(this.array, this.size, this.array.length - this.size);
	}

	@Override
	public void writeBuffer(int length) {
		this.size += length;
	}

	@Override
	public void write(byte[] bytes, int offset, int length) {
		ensureCapacity(this.size + length);
		System.arraycopy(bytes, offset, this.array, this.size, length);
		this.size += length;
	}

	@Override
	public void write(int b) {
		ensureCapacity(this.size + 1);
		this.array[this.size++] = (byte) b;
	}

	@Override
	public void add(byte[] bytes, int offset, int length) {
		write(bytes, offset, length);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

	/**
	 * Receives one header at a time from {@link #headerPacker}: every region handed out
	 * starts at offset zero, and the header is copied out right after the flush.
	 */
	private static final class HeaderOutput implements MessageBufferOutput {

		private final byte[] bytes = new byte[16];

		private final MessageBuffer region = MessageBuffer.wrap(this.bytes);

		private int length;

		@Override
		public MessageBuffer next(int minimumSize) {
			return this.region;
		}

		@Override
		public void writeBuffer(int length) {
			this.length = length;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			System.arraycopy(bytes, offset, this.bytes, 0, length);
			this.length = length;
		}

		@Override
		public void add(byte[] bytes, int offset, int length) {
			write(bytes, offset, length);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	}

}
