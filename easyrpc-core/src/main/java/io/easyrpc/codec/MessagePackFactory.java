package io.easyrpc.codec;

import io.easyrpc.internal.msgpack.UniversalBuffer;
import java.io.DataInput;
import java.io.InputStream;
import java.io.OutputStream;

import io.easyrpc.internal.msgpack.BoundedUnpacker;
import org.msgpack.core.MessagePack;
import tools.jackson.core.ErrorReportConfiguration;
import tools.jackson.core.FormatSchema;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.Version;
import tools.jackson.core.base.BinaryTSFactory;
import tools.jackson.core.base.DecorableTSFactory;
import tools.jackson.core.io.IOContext;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * Jackson 3 token stream factory for MessagePack, with msgpack-core doing the byte-level
 * work. Used through {@link MessagePackMapper}; immutable and thread-safe.
 * <p>
 * Parsers created from a byte array or an {@link InputStream} read any number of root
 * values in sequence. Generators buffer each root value in memory, since MessagePack
 * needs container sizes before the content, and copy it to the target stream once it is
 * complete. {@link java.io.Reader}, {@link java.io.Writer} and {@link DataInput} are not
 * supported.
 */
public final class MessagePackFactory extends BinaryTSFactory {

	static {
		UniversalBuffer.select();
	}

	/** The format name reported by {@link #getFormatName()}. */
	public static final String FORMAT_NAME = "MessagePack";

	private static final long serialVersionUID = 1L;

	/**
	 * Create a factory with default settings.
	 */
	public MessagePackFactory() {
		this(new Builder());
	}

	private MessagePackFactory(MessagePackFactory source) {
		super(source);
	}

	private MessagePackFactory(Builder builder) {
		super(builder);
	}

	/**
	 * Return a builder for a factory with non-default settings, for example other stream
	 * read constraints.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Builder rebuild() {
		return new Builder(this);
	}

	@Override
	public MessagePackFactory copy() {
		return new MessagePackFactory(this);
	}

	@Override
	public TokenStreamFactory snapshot() {
		return this;
	}

	@Override
	public Version version() {
		return Version.unknownVersion();
	}

	@Override
	public String getFormatName() {
		return FORMAT_NAME;
	}

	@Override
	public boolean canParseAsync() {
		return false;
	}

	@Override
	public boolean canUseSchema(FormatSchema schema) {
		return false;
	}

	@Override
	protected JsonParser _createParser(ObjectReadContext readContext, IOContext ioContext, InputStream in) {
		int features = readContext.getStreamReadFeatures(this._streamReadFeatures);
		if (in instanceof UnpackerSource source) {
			return new MessagePackParser(readContext, ioContext, features, source.unpacker(), false, true);
		}
		return new MessagePackParser(readContext, ioContext, features, MessagePack.newDefaultUnpacker(in), true, false);
	}

	@Override
	protected JsonParser _createParser(ObjectReadContext readContext, IOContext ioContext, byte[] data, int offset,
			int length) {
		return new MessagePackParser(readContext, ioContext,
				readContext.getStreamReadFeatures(this._streamReadFeatures),
				new BoundedUnpacker().reset(data, offset, length), true, false);
	}

	@Override
	protected JsonParser _createParser(ObjectReadContext readContext, IOContext ioContext, DataInput input) {
		return _unsupported("MessagePack parsers cannot read from a DataInput");
	}

	@Override
	protected JsonGenerator _createGenerator(ObjectWriteContext writeContext, IOContext ioContext, OutputStream out) {
		int features = writeContext.getStreamWriteFeatures(this._streamWriteFeatures);
		if (out instanceof MessagePackBuffer buffer) {
			return new MessagePackGenerator(writeContext, ioContext, features, buffer, null);
		}
		return new MessagePackGenerator(writeContext, ioContext, features, new MessagePackBuffer(), out);
	}

	/**
	 * Builder for {@link MessagePackFactory} instances: stream features, constraints and
	 * decorators as offered by every Jackson factory; MessagePack has no format features.
	 */
	public static final class Builder extends DecorableTSFactory.DecorableTSFBuilder<MessagePackFactory, Builder> {

		private Builder() {
			super(StreamReadConstraints.defaults(), StreamWriteConstraints.defaults(),
					ErrorReportConfiguration.defaults(), 0, 0);
			// Every value read or written takes a buffer recycler; a per-thread pool
			// avoids
			// the contended shared deque that Jackson uses by default.
			recyclerPool(JsonRecyclerPools.threadLocalPool());
		}

		private Builder(MessagePackFactory base) {
			super(base);
		}

		@Override
		public MessagePackFactory build() {
			return new MessagePackFactory(this);
		}

	}

}
