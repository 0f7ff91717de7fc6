package io.easyrpc.codec;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageFormatException;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessageNeverUsedFormatException;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import tools.jackson.core.Base64Variant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.Version;
import tools.jackson.core.base.ParserMinimalBase;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.ContentReference;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.json.DupDetector;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.core.util.SimpleStreamReadContext;

/**
 * Jackson parser that reads MessagePack through a msgpack-core {@link MessageUnpacker}.
 * Headers are read only when Jackson asks for the next token, so the unpacker is never
 * moved past the end of the value being parsed. In single-value mode (used by
 * {@link ObjectCodec}) the parser reports the end of input after one root value and
 * leaves the unpacker right behind it.
 * <p>
 * Mapping: nil, bool, int, float and str become the matching Jackson tokens (an integer
 * that does not fit a {@code long} becomes a {@link BigInteger}); bin becomes
 * {@link JsonToken#VALUE_EMBEDDED_OBJECT} with a {@code byte[]}; the timestamp extension
 * (type -1) becomes an embedded {@link java.time.Instant}, every other extension an
 * embedded {@link MessagePackExtension}. Map keys must be strings or integers; integer
 * keys are reported as their decimal text.
 */
final class MessagePackParser extends ParserMinimalBase {

	private static final int FIRST_CHUNK = 64 * 1024;

	private final MessageUnpacker unpacker;

	private final boolean ownsUnpacker;

	private final boolean singleValue;

	private SimpleStreamReadContext readContext;

	/** Entries still to be read in each open container, indexed by nesting depth. */
	private int[] remaining = new int[8];

	private boolean expectName;

	private boolean rootValueRead;

	private long tokenOffset;

	private ValueType tokenType;

	private String text;

	private char[] textCharacters;

	private NumberType numberType;

	private long longValue;

	private BigInteger bigIntegerValue;

	private double doubleValue;

	private float floatValue;

	private Object embedded;

	/**
	 * Create a parser.
	 * @param readContext the Jackson read context
	 * @param ioContext the Jackson I/O context
	 * @param streamReadFeatures the enabled stream read features
	 * @param unpacker the unpacker to read from
	 * @param ownsUnpacker whether closing the parser may close the unpacker
	 * @param singleValue whether to stop after one root value
	 */
	MessagePackParser(ObjectReadContext readContext, IOContext ioContext, int streamReadFeatures,
			MessageUnpacker unpacker, boolean ownsUnpacker, boolean singleValue) {
		super(readContext, ioContext, streamReadFeatures);
		this.unpacker = unpacker;
		this.ownsUnpacker = ownsUnpacker;
		this.singleValue = singleValue;
		DupDetector dups = StreamReadFeature.STRICT_DUPLICATE_DETECTION.enabledIn(streamReadFeatures)
				? DupDetector.rootDetector(this) : null;
		this.readContext = SimpleStreamReadContext.createRootContext(dups);
	}

	/**
	 * Return the MessagePack type of the current token, for error messages.
	 * @return the type, or {@code null} before the first token
	 */
	ValueType currentMessagePackType() {
		return this.tokenType;
	}

	@Override
	public Version version() {
		return Version.unknownVersion();
	}

	@Override
	public TokenStreamContext streamReadContext() {
		return this.readContext;
	}

	@Override
	public Object streamReadInputSource() {
		return this.unpacker;
	}

	@Override
	public Object currentValue() {
		return this.readContext.currentValue();
	}

	@Override
	public void assignCurrentValue(Object value) {
		this.readContext.assignCurrentValue(value);
	}

	@Override
	public TokenStreamLocation currentTokenLocation() {
		return new TokenStreamLocation(contentReference(), this.tokenOffset, -1, -1);
	}

	@Override
	public TokenStreamLocation currentLocation() {
		return new TokenStreamLocation(contentReference(), this.unpacker.getTotalReadBytes(), -1, -1);
	}

	private ContentReference contentReference() {
		return (this._ioContext != null) ? this._ioContext.contentReference() : ContentReference.unknown();
	}

	@Override
	public JsonToken nextToken() throws JacksonException {
		if (this._closed) {
			return null;
		}
		try {
			if (this.readContext.inObject()) {
				if (this.expectName) {
					if (this.remaining[depth()] == 0) {
						return endContainer(JsonToken.END_OBJECT, ValueType.MAP);
					}
					this.remaining[depth()]--;
					readName();
					this.expectName = false;
					return _updateToken(JsonToken.PROPERTY_NAME);
				}
				this.expectName = true;
				return readValue();
			}
			if (this.readContext.inArray()) {
				if (this.remaining[depth()] == 0) {
					return endContainer(JsonToken.END_ARRAY, ValueType.ARRAY);
				}
				this.remaining[depth()]--;
				return readValue();
			}
			if ((this.singleValue && this.rootValueRead) || !this.unpacker.hasNext()) {
				return _updateTokenToNull();
			}
			this.rootValueRead = true;
			return readValue();
		}
		catch (MessageInsufficientBufferException ex) {
			throw new StreamReadException(this,
					"Truncated MessagePack input: the input ended before the value was complete"
							+ ((ex.getMessage() != null) ? " (" + ex.getMessage() + ")" : ""),
					ex);
		}
		catch (MessagePackException ex) {
			throw new StreamReadException(this, "Malformed MessagePack input: "
					+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName()), ex);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
	}

	private int depth() {
		return this.readContext.getNestingDepth();
	}

	private JsonToken readValue() throws IOException {
		this.tokenOffset = this.unpacker.getTotalReadBytes();
		MessageFormat format = this.unpacker.getNextFormat();
		if (format == MessageFormat.NEVER_USED) {
			throw neverUsedFormat();
		}
		ValueType type = format.getValueType();
		this.tokenType = type;
		switch (type) {
			case NIL -> {
				this.unpacker.unpackNil();
				return _updateToken(JsonToken.VALUE_NULL);
			}
			case BOOLEAN -> {
				return _updateToken(this.unpacker.unpackBoolean() ? JsonToken.VALUE_TRUE : JsonToken.VALUE_FALSE);
			}
			case INTEGER -> {
				readInteger(format);
				return _updateToken(JsonToken.VALUE_NUMBER_INT);
			}
			case FLOAT -> {
				if (format == MessageFormat.FLOAT32) {
					this.floatValue = this.unpacker.unpackFloat();
					this.numberType = NumberType.FLOAT;
				}
				else {
					this.doubleValue = this.unpacker.unpackDouble();
					this.numberType = NumberType.DOUBLE;
				}
				return _updateToken(JsonToken.VALUE_NUMBER_FLOAT);
			}
			case STRING -> {
				setText(this.unpacker.unpackString());
				return _updateToken(JsonToken.VALUE_STRING);
			}
			case BINARY -> {
				this.embedded = readPayload(this.unpacker, this.unpacker.unpackBinaryHeader());
				return _updateToken(JsonToken.VALUE_EMBEDDED_OBJECT);
			}
			case EXTENSION -> {
				ExtensionTypeHeader header = this.unpacker.unpackExtensionTypeHeader();
				this.embedded = header.isTimestampType() ? this.unpacker.unpackTimestamp(header)
						: new MessagePackExtension(header.getType(), readPayload(this.unpacker, header.getLength()));
				return _updateToken(JsonToken.VALUE_EMBEDDED_OBJECT);
			}
			case ARRAY -> {
				int size = this.unpacker.unpackArrayHeader();
				this.readContext = this.readContext.createChildArrayContext(-1, -1);
				enterContainer(size);
				return _updateToken(JsonToken.START_ARRAY);
			}
			case MAP -> {
				int size = this.unpacker.unpackMapHeader();
				this.readContext = this.readContext.createChildObjectContext(-1, -1);
				enterContainer(size);
				this.expectName = true;
				return _updateToken(JsonToken.START_OBJECT);
			}
			default -> throw new MessageFormatException("unknown MessagePack type " + type);
		}
	}

	private void readInteger(MessageFormat format) throws IOException {
		if (format == MessageFormat.UINT64) {
			BigInteger value = this.unpacker.unpackBigInteger();
			if (value.bitLength() < 64) {
				this.longValue = value.longValue();
				this.numberType = NumberType.LONG;
			}
			else {
				this.bigIntegerValue = value;
				this.numberType = NumberType.BIG_INTEGER;
			}
			return;
		}
		long value = this.unpacker.unpackLong();
		this.longValue = value;
		this.numberType = (value == (int) value) ? NumberType.INT : NumberType.LONG;
	}

	private void enterContainer(int size) {
		int depth = depth();
		this._streamReadConstraints.validateNestingDepth(depth);
		if (depth >= this.remaining.length) {
			this.remaining = Arrays.copyOf(this.remaining, this.remaining.length * 2);
		}
		this.remaining[depth] = size;
	}

	private JsonToken endContainer(JsonToken token, ValueType type) {
		this.tokenType = type;
		this.readContext = this.readContext.clearAndGetParent();
		this.expectName = this.readContext.inObject();
		return _updateToken(token);
	}

	private void readName() throws IOException {
		this.tokenOffset = this.unpacker.getTotalReadBytes();
		MessageFormat format = this.unpacker.getNextFormat();
		if (format == MessageFormat.NEVER_USED) {
			throw neverUsedFormat();
		}
		ValueType type = format.getValueType();
		this.tokenType = type;
		String name;
		if (type == ValueType.STRING) {
			name = this.unpacker.unpackString();
		}
		else if (type == ValueType.INTEGER) {
			name = (format == MessageFormat.UINT64) ? this.unpacker.unpackBigInteger().toString()
					: Long.toString(this.unpacker.unpackLong());
		}
		else {
			throw new MessageFormatException(
					"unsupported map key of type " + type + ", keys must be strings or integers");
		}
		this.readContext.setCurrentName(name);
	}

	static MessageFormatException neverUsedFormat() {
		return new MessageNeverUsedFormatException("byte 0xc1 is not a valid MessagePack type");
	}

	private void setText(String value) {
		this.text = value;
		this.textCharacters = null;
	}

	/**
	 * Read a bin or ext payload. The array grows as bytes actually arrive, so a forged
	 * length costs at most twice the size of the real input before the read fails.
	 * @param unpacker the unpacker positioned at the payload
	 * @param length the length announced by the header
	 * @return the payload
	 * @throws IOException if the input fails
	 */
	static byte[] readPayload(MessageUnpacker unpacker, int length) throws IOException {
		byte[] data = new byte[Math.min(length, FIRST_CHUNK)];
		int filled = 0;
		while (filled < length) {
			if (filled == data.length) {
				data = Arrays.copyOf(data, (int) Math.min(length, data.length * 2L));
			}
			int count = data.length - filled;
			unpacker.readPayload(data, filled, count);
			filled += count;
		}
		return data;
	}

	@Override
	protected void _handleEOF() throws StreamReadException {
		if (!this.readContext.inRoot()) {
			_reportInvalidEOF(": expected close marker for " + this.readContext.typeDesc(), null);
		}
	}

	@Override
	protected void _closeInput() throws IOException {
		if (this.ownsUnpacker
				&& (this._ioContext.isResourceManaged() || isEnabled(StreamReadFeature.AUTO_CLOSE_SOURCE))) {
			this.unpacker.close();
		}
	}

	@Override
	protected void _releaseBuffers() {
	}

	@Override
	public String currentName() {
		if (this._currToken == JsonToken.START_OBJECT || this._currToken == JsonToken.START_ARRAY) {
			SimpleStreamReadContext parent = this.readContext.getParent();
			return (parent != null) ? parent.currentName() : null;
		}
		return this.readContext.currentName();
	}

	@Override
	public boolean isNaN() {
		if (this._currToken != JsonToken.VALUE_NUMBER_FLOAT) {
			return false;
		}
		double value = (this.numberType == NumberType.FLOAT) ? this.floatValue : this.doubleValue;
		return Double.isNaN(value) || Double.isInfinite(value);
	}

	@Override
	public String getString() throws JacksonException {
		JsonToken token = this._currToken;
		if (token == null) {
			return null;
		}
		return switch (token) {
			case VALUE_STRING -> this.text;
			case PROPERTY_NAME -> this.readContext.currentName();
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> String.valueOf(getNumberValue());
			case VALUE_EMBEDDED_OBJECT -> null;
			default -> token.asString();
		};
	}

	@Override
	public int getString(Writer writer) throws JacksonException {
		String value = getString();
		if (value == null) {
			return 0;
		}
		try {
			writer.write(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return value.length();
	}

	@Override
	public char[] getStringCharacters() throws JacksonException {
		if (this._currToken == JsonToken.VALUE_STRING) {
			if (this.textCharacters == null) {
				this.textCharacters = this.text.toCharArray();
			}
			return this.textCharacters;
		}
		String value = getString();
		return (value != null) ? value.toCharArray() : null;
	}

	@Override
	public int getStringLength() throws JacksonException {
		String value = getString();
		return (value != null) ? value.length() : 0;
	}

	@Override
	public int getStringOffset() throws JacksonException {
		return 0;
	}

	@Override
	public boolean hasStringCharacters() {
		return false;
	}

	@Override
	public Object getEmbeddedObject() {
		return (this._currToken == JsonToken.VALUE_EMBEDDED_OBJECT) ? this.embedded : null;
	}

	@Override
	public byte[] getBinaryValue(Base64Variant variant) throws JacksonException {
		if (this._currToken == JsonToken.VALUE_EMBEDDED_OBJECT && this.embedded instanceof byte[] bytes) {
			return bytes;
		}
		if (this._currToken == JsonToken.VALUE_STRING) {
			try (ByteArrayBuilder builder = new ByteArrayBuilder()) {
				_decodeBase64(this.text, builder, variant);
				return builder.toByteArray();
			}
		}
		return _reportError("Current token (" + this._currToken + ") is not MessagePack binary data");
	}

	@Override
	public Number getNumberValue() throws InputCoercionException {
		return switch (numberType()) {
			case INT -> (int) this.longValue;
			case LONG -> this.longValue;
			case BIG_INTEGER -> this.bigIntegerValue;
			case FLOAT -> this.floatValue;
			default -> this.doubleValue;
		};
	}

	@Override
	public Number getNumberValueExact() throws InputCoercionException {
		return getNumberValue();
	}

	@Override
	public Object getNumberValueDeferred() throws InputCoercionException {
		return getNumberValue();
	}

	@Override
	public NumberType getNumberType() {
		return (this._currToken == JsonToken.VALUE_NUMBER_INT || this._currToken == JsonToken.VALUE_NUMBER_FLOAT)
				? this.numberType : null;
	}

	@Override
	public NumberTypeFP getNumberTypeFP() {
		if (this._currToken != JsonToken.VALUE_NUMBER_FLOAT) {
			return NumberTypeFP.UNKNOWN;
		}
		return (this.numberType == NumberType.FLOAT) ? NumberTypeFP.FLOAT32 : NumberTypeFP.DOUBLE64;
	}

	private NumberType numberType() throws InputCoercionException {
		if (this._currToken != JsonToken.VALUE_NUMBER_INT && this._currToken != JsonToken.VALUE_NUMBER_FLOAT) {
			throw _constructNotNumericType(this._currToken, NR_UNKNOWN);
		}
		return this.numberType;
	}

	@Override
	public int getIntValue() throws InputCoercionException {
		long value = getLongValue();
		if (value != (int) value) {
			_reportOverflowInt();
		}
		return (int) value;
	}

	@Override
	public long getLongValue() throws InputCoercionException {
		NumberType type = numberType();
		if (type == NumberType.INT || type == NumberType.LONG) {
			return this.longValue;
		}
		if (type == NumberType.BIG_INTEGER) {
			_reportOverflowLong();
		}
		double value = getDoubleValue();
		if (value < MIN_LONG_D || value > MAX_LONG_D) {
			_reportOverflowLong();
		}
		return (long) value;
	}

	@Override
	public BigInteger getBigIntegerValue() throws InputCoercionException {
		NumberType type = numberType();
		if (type == NumberType.BIG_INTEGER) {
			return this.bigIntegerValue;
		}
		if (type == NumberType.INT || type == NumberType.LONG) {
			return BigInteger.valueOf(this.longValue);
		}
		return getDecimalValue().toBigInteger();
	}

	@Override
	public float getFloatValue() throws InputCoercionException {
		return (numberType() == NumberType.FLOAT) ? this.floatValue : (float) getDoubleValue();
	}

	@Override
	public double getDoubleValue() throws InputCoercionException {
		return switch (numberType()) {
			case INT, LONG -> this.longValue;
			case BIG_INTEGER -> this.bigIntegerValue.doubleValue();
			case FLOAT -> this.floatValue;
			default -> this.doubleValue;
		};
	}

	@Override
	public BigDecimal getDecimalValue() throws InputCoercionException {
		NumberType type = numberType();
		if (type == NumberType.INT || type == NumberType.LONG) {
			return BigDecimal.valueOf(this.longValue);
		}
		if (type == NumberType.BIG_INTEGER) {
			return new BigDecimal(this.bigIntegerValue);
		}
		if (isNaN()) {
			throw _constructInputCoercion("Cannot convert " + getNumberValue() + " to BigDecimal", this._currToken,
					BigDecimal.class);
		}
		return (type == NumberType.FLOAT) ? new BigDecimal(Float.toString(this.floatValue))
				: BigDecimal.valueOf(this.doubleValue);
	}

}
