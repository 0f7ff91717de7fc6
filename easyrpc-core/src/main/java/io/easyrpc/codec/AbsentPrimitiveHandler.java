package io.easyrpc.codec;

import java.io.Serializable;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;

/**
 * Gives a primitive record or constructor parameter that is absent from the input its
 * default value ({@code 0}, {@code false}), as for a field the input does not mention,
 * while an explicit nil for a primitive is still refused under
 * {@code DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES}. Jackson asks for the value
 * of an absent creator property the same way as for a null one; only the parser's
 * position tells them apart: on the null itself, or past the end of the object.
 */
final class AbsentPrimitiveHandler extends DeserializationProblemHandler implements Serializable {

	private static final long serialVersionUID = 1L;

	static final AbsentPrimitiveHandler INSTANCE = new AbsentPrimitiveHandler();

	private AbsentPrimitiveHandler() {
	}

	@Override
	public Object handleNullForPrimitives(DeserializationContext context, Class<?> targetType, JsonParser parser,
			ValueDeserializer<?> deserializer, String failureMessage) {
		if (parser.currentToken() == JsonToken.END_OBJECT) {
			Object empty = deserializer.getEmptyValue(context);
			if (empty != null) {
				return empty;
			}
		}
		return NOT_HANDLED;
	}

	private Object readResolve() {
		return INSTANCE;
	}

}
