package io.easyrpc.codec;

import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.Version;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.cfg.MapperBuilderState;

/**
 * A Jackson 3 {@link ObjectMapper} that reads and writes MessagePack through
 * {@link MessagePackFactory}. Build one with {@link #builder()}, or with
 * {@link #builderFrom(ObjectMapper)} to reuse the configuration of the application's JSON
 * mapper.
 * <p>
 * Every builder, including one from {@link #builderFrom(ObjectMapper)}, starts with two
 * settings stricter than Jackson 3's defaults:
 * {@code SerializationFeature.FAIL_ON_EMPTY_BEANS} is on (an object without accessible
 * properties fails to encode instead of becoming an empty map) and
 * {@code DeserializationFeature.ACCEPT_FLOAT_AS_INT} is off (a MessagePack float is never
 * truncated into an integer type). Both can be changed on the builder.
 * <p>
 * It also enables {@code EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE}, so
 * that an enum constant a peer added in a later version reads as the constant marked
 * {@code @JsonEnumDefaultValue}, where the enum has one; an enum without such a constant
 * still refuses unknown names. A primitive record or constructor parameter that the input
 * does not mention (a component a peer's older record lacks) takes its default value,
 * {@code 0} or {@code false}; an explicit nil for it is still refused while
 * {@code DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES} is on, as in Jackson 3's
 * defaults.
 */
public final class MessagePackMapper extends ObjectMapper {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a mapper with Jackson's default configuration.
	 */
	public MessagePackMapper() {
		this(new Builder(new MessagePackFactory()));
	}

	/**
	 * Create a mapper with Jackson's default configuration over the given factory.
	 * @param factory the token stream factory
	 */
	public MessagePackMapper(MessagePackFactory factory) {
		this(new Builder(factory));
	}

	private MessagePackMapper(Builder builder) {
		super(builder);
	}

	/**
	 * Return a builder with Jackson's default configuration.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder(new MessagePackFactory());
	}

	/**
	 * Return a builder with Jackson's default configuration over the given factory.
	 * @param factory the token stream factory
	 * @return a new builder
	 */
	public static Builder builder(MessagePackFactory factory) {
		return new Builder(factory);
	}

	/**
	 * Return a builder that starts from the complete configuration of another Jackson 3
	 * mapper, typically the application's {@code JsonMapper}, so that MessagePack values
	 * are mapped exactly like JSON ones. Jackson 3 mappers are immutable and keep the
	 * state of the builder that made them; this method takes that state through
	 * {@link ObjectMapper#rebuild()} and only swaps the token stream factory.
	 * <p>
	 * Carried over: registered modules (registered again, so their serializers,
	 * deserializers, mix-ins and type modifiers apply), the property and enum naming
	 * strategies, mapper, serialization, deserialization and datatype features (including
	 * the {@code java.time} options of {@code DateTimeFeature}), default property
	 * inclusion and all other per-type config overrides, coercion configs, default view,
	 * visibility, subtypes, default typing, injectable values, problem handlers, date
	 * format, time zone, locale, base64 variant, and the generic stream read/write
	 * features ({@code StreamReadFeature}, {@code StreamWriteFeature}). The stream read
	 * and write constraints of the template's factory are copied to the new
	 * {@link MessagePackFactory}.
	 * <p>
	 * Not carried over: format-specific settings of the template's factory (for JSON:
	 * {@code JsonReadFeature}, {@code JsonWriteFeature}, character escapes, root value
	 * separator) and its input/output decorators; pretty printing has no effect on
	 * MessagePack. Changes made per call on an {@code ObjectReader} or
	 * {@code ObjectWriter} belong to those objects, not to the mapper, and are not seen.
	 * @param template the mapper to copy the configuration from
	 * @return a new builder; changes to it do not affect {@code template}
	 */
	public static Builder builderFrom(ObjectMapper template) {
		MapperBuilderState state = template.rebuild().saveStateApplyModules();
		TokenStreamFactory source = template.tokenStreamFactory();
		MessagePackFactory factory = MessagePackFactory.builder()
			.streamReadConstraints(source.streamReadConstraints())
			.streamWriteConstraints(source.streamWriteConstraints())
			.errorReportConfiguration(source.errorReportConfiguration())
			.build();
		return new Builder(state, factory);
	}

	@Override
	@SuppressWarnings("unchecked")
	public Builder rebuild() {
		return new Builder((State) this._savedBuilderState);
	}

	@Override
	public Version version() {
		return Version.unknownVersion();
	}

	@Override
	public MessagePackFactory tokenStreamFactory() {
		return (MessagePackFactory) this._streamFactory;
	}

	/**
	 * Builder for {@link MessagePackMapper}: every configuration method of Jackson's
	 * {@link MapperBuilder} applies.
	 */
	public static final class Builder extends MapperBuilder<MessagePackMapper, Builder> {

		/**
		 * Create a builder with Jackson's default configuration over the given factory.
		 * @param factory the token stream factory
		 */
		public Builder(MessagePackFactory factory) {
			super(factory);
			strict();
		}

		private Builder(State state) {
			super(state);
		}

		private Builder(MapperBuilderState state, MessagePackFactory factory) {
			super(state);
			// The state comes from a mapper of another format: keep its format-neutral
			// settings and take the factory and its (empty) format features from
			// MessagePack.
			this._streamFactory = factory;
			this._formatReadFeatures = factory.getFormatReadFeatures();
			this._formatWriteFeatures = factory.getFormatWriteFeatures();
			strict();
		}

		// Jackson 3 turned FAIL_ON_EMPTY_BEANS off by default: an object without
		// accessible properties would go out as an empty map and its data be lost
		// without a word. A float for an integer (1.5 for a long) would be truncated.
		// Both are refused on the wire; a customizer may switch them back.
		private void strict() {
			enable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
			disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
			// A constant added by a newer peer maps to the enum's declared fallback.
			enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE);
			// A component that a peer's older record lacks is 0 or false, not an error.
			addHandler(AbsentPrimitiveHandler.INSTANCE);
		}

		@Override
		public MessagePackMapper build() {
			return new MessagePackMapper(this);
		}

		@Override
		protected MapperBuilderState _saveState() {
			return new State(this);
		}

	}

	/**
	 * The saved builder state of a mapper; lets a deserialized mapper be rebuilt.
	 */
	private static final class State extends MapperBuilderState {

		private static final long serialVersionUID = 1L;

		State(Builder source) {
			super(source);
		}

		@Override
		protected Object readResolve() {
			return new Builder(this).build();
		}

	}

}
