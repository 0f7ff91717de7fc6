package io.easyrpc.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

import org.msgpack.core.MessagePacker;
import tools.jackson.core.Base64Variant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.StreamWriteCapability;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.Version;
import tools.jackson.core.base.GeneratorBase;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.json.DupDetector;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.core.util.JacksonFeatureSet;
import tools.jackson.core.util.SimpleStreamWriteContext;

/**
 * Jackson generator that writes MessagePack through msgpack-core into a
 * {@link MessagePackBuffer}. When the generator was created for an ordinary
 * {@link OutputStream}, each complete root value is copied to that stream on
 * {@link #flush()} and {@link #close()}.
 * <p>
 * Mapping: {@code BigDecimal} values and numbers given as text are written as strings
 * (MessagePack has no decimal type); a {@code BigInteger} is written as an integer when
 * it fits in 64 bits (unsigned for positive values) and as a string otherwise;
 * {@code byte[]} is written as bin; {@link MessagePackExtension} (through
 * {@link #writeEmbeddedObject(Object)}) as ext. Raw content cannot be written.
 */
final class MessagePackGenerator extends GeneratorBase {

	private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

	private final MessagePackBuffer buffer;

	private final MessagePacker packer;

	private final OutputStream target;

	private SimpleStreamWriteContext writeContext;

	/**
	 * Create a generator.
	 * @param writeContext the Jackson write context
	 * @param ioContext the Jackson I/O context
	 * @param streamWriteFeatures the enabled stream write features
	 * @param buffer the buffer to pack into
	 * @param target the stream to copy finished values to, or {@code null} to leave them
	 * in {@code buffer}
	 */
	MessagePackGenerator(ObjectWriteContext writeContext, IOContext ioContext, int streamWriteFeatures,
			MessagePackBuffer buffer, OutputStream target) {
		super(writeContext, ioContext, streamWriteFeatures);
		this.buffer = buffer;
		this.packer = buffer.packer();
		this.target = target;
		DupDetector dups = StreamWriteFeature.STRICT_DUPLICATE_DETECTION.enabledIn(streamWriteFeatures)
				? DupDetector.rootDetector(this) : null;
		this.writeContext = SimpleStreamWriteContext.createRootContext(dups);
	}

	@Override
	public Version version() {
		return Version.unknownVersion();
	}

	@Override
	public TokenStreamContext streamWriteContext() {
		return this.writeContext;
	}

	@Override
	public Object currentValue() {
		return this.writeContext.currentValue();
	}

	@Override
	public void assignCurrentValue(Object value) {
		this.writeContext.assignCurrentValue(value);
	}

	@Override
	public Object streamWriteOutputTarget() {
		return (this.target != null) ? this.target : this.buffer;
	}

	@Override
	public int streamWriteOutputBuffered() {
		return this.buffer.position();
	}

	@Override
	public JacksonFeatureSet<StreamWriteCapability> streamWriteCapabilities() {
		return DEFAULT_BINARY_WRITE_CAPABILITIES;
	}

	@Override
	public JsonGenerator writeStartArray() throws JacksonException {
		return writeStartArray(null, -1);
	}

	@Override
	public JsonGenerator writeStartArray(Object currentValue) throws JacksonException {
		return writeStartArray(currentValue, -1);
	}

	@Override
	public JsonGenerator writeStartArray(Object currentValue, int size) throws JacksonException {
		_verifyValueWrite("start an array");
		this.writeContext = this.writeContext.createChildArrayContext(currentValue);
		this._streamWriteConstraints.validateNestingDepth(this.writeContext.getNestingDepth());
		try {
			this.buffer.startContainer(false, size);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeEndArray() throws JacksonException {
		if (!this.writeContext.inArray()) {
			_reportError("Current context not an array but " + this.writeContext.typeDesc());
		}
		endContainer(false);
		return this;
	}

	@Override
	public JsonGenerator writeStartObject() throws JacksonException {
		return writeStartObject(null, -1);
	}

	@Override
	public JsonGenerator writeStartObject(Object currentValue) throws JacksonException {
		// A map's size is only a hint: inclusion rules may still leave entries out.
		return writeStartObject(currentValue, (currentValue instanceof Map<?, ?> map) ? map.size() : -1);
	}

	@Override
	public JsonGenerator writeStartObject(Object currentValue, int size) throws JacksonException {
		_verifyValueWrite("start an object");
		this.writeContext = this.writeContext.createChildObjectContext(currentValue);
		this._streamWriteConstraints.validateNestingDepth(this.writeContext.getNestingDepth());
		try {
			this.buffer.startContainer(true, size);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeEndObject() throws JacksonException {
		if (!this.writeContext.inObject()) {
			_reportError("Current context not an object but " + this.writeContext.typeDesc());
		}
		endContainer(true);
		return this;
	}

	private void endContainer(boolean map) {
		try {
			this.buffer.endContainer(map, this.writeContext.getEntryCount());
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		this.writeContext = this.writeContext.clearAndGetParent();
	}

	@Override
	public JsonGenerator writeName(String name) throws JacksonException {
		verifyNameWrite(name);
		try {
			this.packer.packString(name);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeName(SerializableString name) throws JacksonException {
		verifyNameWrite(name.getValue());
		writeUtf8(name.asUnquotedUTF8());
		return this;
	}

	@Override
	public JsonGenerator writePropertyId(long id) throws JacksonException {
		return writeName(Long.toString(id));
	}

	private void verifyNameWrite(String name) {
		if (!this.writeContext.writeName(name)) {
			_reportError("Cannot write a property name, expecting a value");
		}
	}

	@Override
	public JsonGenerator writeString(String value) throws JacksonException {
		if (value == null) {
			return writeNull();
		}
		_verifyValueWrite(WRITE_STRING);
		try {
			this.packer.packString(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeString(char[] buffer, int offset, int length) throws JacksonException {
		_checkRangeBoundsForCharArray(buffer, offset, length);
		return writeString(new String(buffer, offset, length));
	}

	@Override
	public JsonGenerator writeString(SerializableString value) throws JacksonException {
		_verifyValueWrite(WRITE_STRING);
		writeUtf8(value.asUnquotedUTF8());
		return this;
	}

	@Override
	public JsonGenerator writeRawUTF8String(byte[] buffer, int offset, int length) throws JacksonException {
		return writeUTF8String(buffer, offset, length);
	}

	@Override
	public JsonGenerator writeUTF8String(byte[] buffer, int offset, int length) throws JacksonException {
		_checkRangeBoundsForByteArray(buffer, offset, length);
		_verifyValueWrite(WRITE_STRING);
		try {
			this.packer.packRawStringHeader(length);
			this.packer.writePayload(buffer, offset, length);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	private void writeUtf8(byte[] utf8) {
		try {
			this.packer.packRawStringHeader(utf8.length);
			this.packer.writePayload(utf8);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
	}

	@Override
	public JsonGenerator writeRaw(String text) throws JacksonException {
		return _reportUnsupportedOperation("MessagePack cannot embed raw content");
	}

	@Override
	public JsonGenerator writeRaw(String text, int offset, int length) throws JacksonException {
		return _reportUnsupportedOperation("MessagePack cannot embed raw content");
	}

	@Override
	public JsonGenerator writeRaw(char[] text, int offset, int length) throws JacksonException {
		return _reportUnsupportedOperation("MessagePack cannot embed raw content");
	}

	@Override
	public JsonGenerator writeRaw(char c) throws JacksonException {
		return _reportUnsupportedOperation("MessagePack cannot embed raw content");
	}

	@Override
	public JsonGenerator writeBinary(Base64Variant variant, byte[] data, int offset, int length)
			throws JacksonException {
		if (data == null) {
			return writeNull();
		}
		_checkRangeBoundsForByteArray(data, offset, length);
		_verifyValueWrite(WRITE_BINARY);
		try {
			this.packer.packBinaryHeader(length);
			this.packer.writePayload(data, offset, length);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public int writeBinary(Base64Variant variant, InputStream data, int dataLength) throws JacksonException {
		byte[] bytes;
		try (ByteArrayBuilder builder = new ByteArrayBuilder()) {
			data.transferTo(builder);
			bytes = builder.toByteArray();
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		if (dataLength >= 0 && bytes.length != dataLength) {
			_reportError("Expected " + dataLength + " bytes of binary content but the stream had " + bytes.length);
		}
		writeBinary(variant, bytes, 0, bytes.length);
		return bytes.length;
	}

	@Override
	public JsonGenerator writeNumber(short value) throws JacksonException {
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packShort(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(int value) throws JacksonException {
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packInt(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(long value) throws JacksonException {
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packLong(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(BigInteger value) throws JacksonException {
		if (value == null) {
			return writeNull();
		}
		if (value.bitLength() > 63 && (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0)) {
			return writeString(value.toString());
		}
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packBigInteger(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(double value) throws JacksonException {
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packDouble(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(float value) throws JacksonException {
		_verifyValueWrite(WRITE_NUMBER);
		try {
			this.packer.packFloat(value);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNumber(BigDecimal value) throws JacksonException {
		return (value != null) ? writeString(_asString(value)) : writeNull();
	}

	@Override
	public JsonGenerator writeNumber(String encodedValue) throws JacksonException {
		return writeString(encodedValue);
	}

	@Override
	public JsonGenerator writeBoolean(boolean state) throws JacksonException {
		_verifyValueWrite(WRITE_BOOLEAN);
		try {
			this.packer.packBoolean(state);
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeNull() throws JacksonException {
		_verifyValueWrite(WRITE_NULL);
		try {
			this.packer.packNil();
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
		return this;
	}

	@Override
	public JsonGenerator writeEmbeddedObject(Object object) throws JacksonException {
		if (object instanceof MessagePackExtension extension) {
			_verifyValueWrite("write an extension value");
			try {
				this.packer.packExtensionTypeHeader(extension.type(), extension.data().length);
				this.packer.writePayload(extension.data());
			}
			catch (IOException ex) {
				throw _wrapIOFailure(ex);
			}
			return this;
		}
		return super.writeEmbeddedObject(object);
	}

	@Override
	protected void _verifyValueWrite(String typeMsg) throws JacksonException {
		if (!this.writeContext.writeValue()) {
			_reportError("Cannot " + typeMsg + ", expecting a property name");
		}
	}

	@Override
	public void flush() throws JacksonException {
		if (this.target == null || this.buffer.depth() > 0) {
			return;
		}
		try {
			copyToTarget();
			if (isEnabled(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)) {
				this.target.flush();
			}
		}
		catch (IOException ex) {
			throw _wrapIOFailure(ex);
		}
	}

	private void copyToTarget() throws IOException {
		this.buffer.finish();
		this.target.write(this.buffer.array(), 0, this.buffer.size());
		this.buffer.reset();
	}

	@Override
	protected void _closeInput() throws IOException {
		if (this.target == null) {
			this.buffer.finish();
			return;
		}
		if (isEnabled(StreamWriteFeature.AUTO_CLOSE_CONTENT)) {
			while (!this.writeContext.inRoot()) {
				if (this.writeContext.inArray()) {
					writeEndArray();
				}
				else {
					writeEndObject();
				}
			}
		}
		if (this.buffer.depth() == 0) {
			copyToTarget();
		}
		if (this._ioContext.isResourceManaged() || isEnabled(StreamWriteFeature.AUTO_CLOSE_TARGET)) {
			this.target.close();
		}
		else if (isEnabled(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)) {
			this.target.flush();
		}
	}

	@Override
	protected void _releaseBuffers() {
	}

}
