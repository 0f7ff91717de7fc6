package io.easyrpc.internal.msgpack;

import java.io.IOException;

import org.msgpack.core.MessageFormatException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.core.buffer.MessageBuffer;

/**
 * A {@link MessageUnpacker} over one byte array that checks every size header against the
 * bytes that remain before anything is allocated or skipped, and refuses strings that are
 * not well-formed UTF-8. A header is read from the array without consuming it, so a
 * refused value leaves nothing half-read and the checks cost no allocation:
 * <ul>
 * <li>an array of {@code n} elements needs at least {@code n} more bytes, a map of
 * {@code n} entries at least {@code 2n};</li>
 * <li>a str, bin or ext payload must fit in the bytes that remain;</li>
 * <li>a str must be well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF); msgpack-core would turn broken sequences into U+FFFD.</li>
 * </ul>
 * A size header that claims more than remains is refused with a
 * {@link SizeHeaderException} (the input ends before the value could), or a
 * {@link MessageSizeException} if the claim is beyond what a Java array can hold; the
 * message names the header and its claim, such as
 * {@code str32 header claims 4294967295 bytes, 12 remain}. Invalid UTF-8 is refused with
 * a {@link MessageFormatException}.
 */
public final class BoundedUnpacker extends MessageUnpacker {

	private static final MessagePack.UnpackerConfig CONFIG = new MessagePack.UnpackerConfig();

	private static final byte[] NO_BYTES = {};

	private final ArrayBufferInput input;

	private byte[] array = NO_BYTES;

	private int offset;

	private int end;

	/**
	 * Create an unpacker over no bytes; {@link #reset(byte[], int, int)} points it at
	 * input.
	 */
	public BoundedUnpacker() {
		this(new ArrayBufferInput(NO_BYTES));
	}

	private BoundedUnpacker(ArrayBufferInput input) {
		super(input, CONFIG);
		this.input = input;
	}

	/**
	 * Point the unpacker at {@code length} bytes of {@code array} from {@code offset}.
	 * @param array the input
	 * @param offset the first byte
	 * @param length the number of bytes
	 * @return this unpacker
	 */
	public BoundedUnpacker reset(byte[] array, int offset, int length) {
		this.input.reset(array, offset, length);
		this.array = array;
		this.offset = offset;
		this.end = offset + length;
		try {
			reset(this.input);
		}
		catch (IOException ex) {
			// An array input never fails.
			throw new IllegalStateException(ex);
		}
		return this;
	}

	/**
	 * Let go of the last input so that a thread does not keep it reachable.
	 */
	public void clear() {
		reset(NO_BYTES, 0, 0);
	}

	/**
	 * Return the number of bytes not yet read.
	 * @return the remaining bytes
	 */
	public long remaining() {
		return (this.end - this.offset) - getTotalReadBytes();
	}

	private int position() {
		return this.offset + (int) getTotalReadBytes();
	}

	@Override
	public int unpackArrayHeader() throws IOException {
		checkHeader(1);
		return super.unpackArrayHeader();
	}

	@Override
	public int unpackMapHeader() throws IOException {
		checkHeader(2);
		return super.unpackMapHeader();
	}

	@Override
	public int unpackBinaryHeader() throws IOException {
		checkHeader(1);
		return super.unpackBinaryHeader();
	}

	@Override
	public int unpackRawStringHeader() throws IOException {
		checkHeader(1);
		return super.unpackRawStringHeader();
	}

	@Override
	public ExtensionTypeHeader unpackExtensionTypeHeader() throws IOException {
		checkHeader(1);
		return super.unpackExtensionTypeHeader();
	}

	@Override
	public String unpackString() throws IOException {
		long size = checkHeader(1);
		if (size > 0 && isRaw(this.array[position()] & 0xff)) {
			int start = position() + headerLength(this.array[position()] & 0xff);
			int invalid = firstInvalidUtf8(this.array, start, start + (int) size);
			if (invalid >= 0) {
				throw new MessageFormatException(formatName(this.array[position()] & 0xff) + " value of " + size
						+ " bytes is not valid UTF-8 (byte 0x" + Integer.toHexString(this.array[invalid] & 0xff)
						+ " at offset " + (invalid - start) + ")");
			}
		}
		return super.unpackString();
	}

	@Override
	public byte[] readPayload(int length) throws IOException {
		checkPayload(length);
		return super.readPayload(length);
	}

	@Override
	public MessageBuffer readPayloadAsReference(int length) throws IOException {
		checkPayload(length);
		return super.readPayloadAsReference(length);
	}

	@Override
	public void skipValue(int count) throws IOException {
		try {
			super.skipValue(count);
		}
		catch (MessageSizeException ex) {
			throw (ex.getMessage() != null) ? ex : new MessageSizeException(
					"a size header claims " + ex.getSize() + ", " + remaining() + " bytes remain", ex.getSize());
		}
	}

	@Override
	public void skipValue() throws IOException {
		skipValue(1);
	}

	private void checkPayload(int length) {
		if (length < 0 || length > remaining()) {
			throw new SizeHeaderException(
					"payload of " + Integer.toUnsignedString(length) + " bytes, " + remaining() + " remain",
					Integer.toUnsignedLong(length));
		}
	}

	/**
	 * Check the size header at the current position, if there is one, against the bytes
	 * after it.
	 * @param bytesPerUnit the least number of bytes each unit the header counts needs
	 * @return the size the header claims, or -1 if the next value has no size header or
	 * the header itself is cut off (msgpack-core reports that)
	 */
	private long checkHeader(int bytesPerUnit) {
		int position = position();
		if (position >= this.end) {
			return -1;
		}
		int format = this.array[position] & 0xff;
		int headerLength = headerLength(format);
		if (headerLength == 0 || position + headerLength > this.end) {
			return -1;
		}
		long size = sizeOf(format, position);
		long remaining = this.end - position - headerLength;
		if (size * bytesPerUnit > remaining) {
			String unit = (bytesPerUnit == 1 && !isContainer(format)) ? "bytes"
					: (isMap(format) ? "entries" : "elements");
			String tail = "bytes".equals(unit) ? " remain" : " bytes remain";
			String message = formatName(format) + " header claims " + size + " " + unit + ", " + remaining + tail;
			// More than a Java array can hold is malformed whatever the input's length.
			throw (size > Integer.MAX_VALUE) ? new MessageSizeException(message, size)
					: new SizeHeaderException(message, size);
		}
		return size;
	}

	private static boolean isRaw(int format) {
		return (format >= 0xa0 && format <= 0xbf) || (format >= 0xd9 && format <= 0xdb)
				|| (format >= 0xc4 && format <= 0xc6);
	}

	private static boolean isMap(int format) {
		return (format >= 0x80 && format <= 0x8f) || format == 0xde || format == 0xdf;
	}

	private static boolean isContainer(int format) {
		return isMap(format) || (format >= 0x90 && format <= 0x9f) || format == 0xdc || format == 0xdd;
	}

	/**
	 * Return the length of the header of a value with a size (including the type byte of
	 * an ext), or 0 for a value without one.
	 */
	private static int headerLength(int format) {
		if (format >= 0x80 && format <= 0xbf) {
			return 1;
		}
		return switch (format) {
			case 0xc4, 0xd9 -> 2;
			case 0xc5, 0xda, 0xdc, 0xde -> 3;
			case 0xc6, 0xdb, 0xdd, 0xdf -> 5;
			case 0xc7 -> 3;
			case 0xc8 -> 4;
			case 0xc9 -> 6;
			case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 -> 2;
			default -> 0;
		};
	}

	private long sizeOf(int format, int position) {
		if (format <= 0x8f) {
			return format & 0x0f;
		}
		if (format <= 0x9f) {
			return format & 0x0f;
		}
		if (format <= 0xbf) {
			return format & 0x1f;
		}
		return switch (format) {
			case 0xc4, 0xc7, 0xd9 -> this.array[position + 1] & 0xffL;
			case 0xc5, 0xc8, 0xda, 0xdc, 0xde -> u16(position + 1);
			case 0xc6, 0xc9, 0xdb, 0xdd, 0xdf -> u32(position + 1);
			case 0xd4 -> 1;
			case 0xd5 -> 2;
			case 0xd6 -> 4;
			case 0xd7 -> 8;
			default -> 16;
		};
	}

	private long u16(int at) {
		return ((this.array[at] & 0xff) << 8) | (this.array[at + 1] & 0xff);
	}

	private long u32(int at) {
		return ((this.array[at] & 0xffL) << 24) | ((this.array[at + 1] & 0xffL) << 16)
				| ((this.array[at + 2] & 0xffL) << 8) | (this.array[at + 3] & 0xffL);
	}

	private static String formatName(int format) {
		if (format <= 0x8f) {
			return "fixmap";
		}
		if (format <= 0x9f) {
			return "fixarray";
		}
		if (format <= 0xbf) {
			return "fixstr";
		}
		return switch (format) {
			case 0xc4 -> "bin8";
			case 0xc5 -> "bin16";
			case 0xc6 -> "bin32";
			case 0xc7 -> "ext8";
			case 0xc8 -> "ext16";
			case 0xc9 -> "ext32";
			case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8 -> "fixext";
			case 0xd9 -> "str8";
			case 0xda -> "str16";
			case 0xdb -> "str32";
			case 0xdc -> "array16";
			case 0xdd -> "array32";
			case 0xde -> "map16";
			case 0xdf -> "map32";
			default -> "0x" + Integer.toHexString(format);
		};
	}

	/**
	 * Return the index of the first byte of the first ill-formed UTF-8 sequence in
	 * {@code bytes[from, to)}, or -1 if the range is well-formed.
	 * @param bytes the bytes
	 * @param from the first index
	 * @param to the index after the last
	 * @return the index of the first bad sequence or -1
	 */
	public static int firstInvalidUtf8(byte[] bytes, int from, int to) {
		int i = from;
		while (i < to) {
			int lead = bytes[i];
			if (lead >= 0) {
				i++;
				continue;
			}
			int continuation;
			int codePoint;
			int least;
			if ((lead & 0xe0) == 0xc0) {
				continuation = 1;
				codePoint = lead & 0x1f;
				least = 0x80;
			}
			else if ((lead & 0xf0) == 0xe0) {
				continuation = 2;
				codePoint = lead & 0x0f;
				least = 0x800;
			}
			else if ((lead & 0xf8) == 0xf0) {
				continuation = 3;
				codePoint = lead & 0x07;
				least = 0x10000;
			}
			else {
				return i;
			}
			if (i + continuation >= to) {
				return i;
			}
			for (int k = 1; k <= continuation; k++) {
				int next = bytes[i + k];
				if ((next & 0xc0) != 0x80) {
					return i;
				}
				codePoint = (codePoint << 6) | (next & 0x3f);
			}
			if (codePoint < least || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
				return i;
			}
			i += continuation + 1;
		}
		return -1;
	}

}
