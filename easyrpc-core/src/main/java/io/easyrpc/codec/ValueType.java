package io.easyrpc.codec;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * A Java type prepared for encoding and decoding by an {@link ObjectCodec}: the resolved
 * Jackson type with its reader and writer, and whether values of the type take the fast
 * path that bypasses Jackson. Obtain instances from {@link ObjectCodec#valueType}; they
 * are thread-safe and meant for the codec that created them. A {@link JsonObjectCodec}
 * also accepts the types of another codec (a server resolves its methods' types once,
 * with its MessagePack codec, and serves JSON connections with them): it prepares its own
 * form on first use and keeps it with the type.
 */
public final class ValueType {

	private final ObjectCodec owner;

	private final JavaType javaType;

	private final Kind kind;

	private final @Nullable ObjectReader reader;

	private final @Nullable ObjectWriter writer;

	// The same Java type prepared by another codec, set on first use by that codec.
	private volatile @Nullable ValueType sibling;

	ValueType(ObjectCodec owner, JavaType javaType, Kind kind, @Nullable ObjectReader reader,
			@Nullable ObjectWriter writer) {
		this.owner = owner;
		this.javaType = javaType;
		this.kind = kind;
		this.reader = reader;
		this.writer = writer;
	}

	/**
	 * Return the resolved Jackson type, with its generic parameters.
	 * @return the Jackson type
	 */
	public JavaType javaType() {
		return this.javaType;
	}

	ObjectCodec owner() {
		return this.owner;
	}

	@Nullable ValueType sibling() {
		return this.sibling;
	}

	void sibling(ValueType sibling) {
		this.sibling = sibling;
	}

	Kind kind() {
		return this.kind;
	}

	@Nullable ObjectReader reader() {
		return this.reader;
	}

	@Nullable ObjectWriter writer() {
		return this.writer;
	}

	/**
	 * Return whether the type is a primitive Java type such as {@code int}.
	 * @return whether the type is primitive
	 */
	public boolean isPrimitive() {
		return this.javaType.isPrimitive();
	}

	/**
	 * Return the canonical name of the type, for example
	 * {@code java.util.List<java.lang.String>}.
	 */
	@Override
	public String toString() {
		return this.javaType.toCanonical();
	}

	/**
	 * How values of a type are encoded and decoded.
	 */
	enum Kind {

		/** Anything else: Jackson with the declared type. */
		JACKSON(null),

		/**
		 * Declared as {@code Object}: written by runtime class, read as natural types.
		 */
		OBJECT(null),

		/** {@code void}/{@code Void}: nil on write, one value skipped on read. */
		VOID(null),

		STRING(String.class),

		BINARY(byte[].class),

		BOOLEAN(Boolean.class),

		BYTE(Byte.class),

		SHORT(Short.class),

		INT(Integer.class),

		LONG(Long.class),

		FLOAT(Float.class),

		DOUBLE(Double.class);

		private static final Kind[] KINDS = values();

		private final @Nullable Class<?> valueClass;

		Kind(@Nullable Class<?> valueClass) {
			this.valueClass = valueClass;
		}

		/**
		 * Return the class of the values the fast path handles, {@code null} for kinds
		 * without a fast path.
		 */
		@Nullable Class<?> valueClass() {
			return this.valueClass;
		}

		static Kind of(Class<?> type) {
			if (type == Object.class) {
				return OBJECT;
			}
			if (type == void.class || type == Void.class) {
				return VOID;
			}
			Class<?> boxed = box(type);
			for (Kind kind : KINDS) {
				if (boxed != null && kind.valueClass == boxed) {
					return kind;
				}
			}
			return JACKSON;
		}

		/**
		 * Return the fast-path kind for a runtime value, or {@code null}.
		 */
		static @Nullable Kind ofValue(Object value) {
			Class<?> type = value.getClass();
			for (Kind kind : KINDS) {
				if (kind.valueClass == type) {
					return kind;
				}
			}
			return null;
		}

		private static @Nullable Class<?> box(Class<?> type) {
			if (!type.isPrimitive()) {
				return type;
			}
			if (type == boolean.class) {
				return Boolean.class;
			}
			if (type == byte.class) {
				return Byte.class;
			}
			if (type == short.class) {
				return Short.class;
			}
			if (type == int.class) {
				return Integer.class;
			}
			if (type == long.class) {
				return Long.class;
			}
			if (type == float.class) {
				return Float.class;
			}
			if (type == double.class) {
				return Double.class;
			}
			return null;
		}

	}

}
