package io.easyrpc.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Checks the arguments of a generic call against a signature from the server's reflection
 * method, as the server would decode them: the count, the names, and the JSON shape where
 * the declared type (as reflection writes it, for example
 * {@code java.util.List<java.lang.String>}) fixes one. Types it does not know (records,
 * enums, {@code java.time} and other classes) accept any value: the server decides.
 */
final class ArgumentValidator {

	private static final Set<String> INTEGERS = Set.of("int", "long", "short", "byte", "java.lang.Integer",
			"java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.math.BigInteger");

	private static final Set<String> DECIMALS = Set.of("float", "double", "java.lang.Float", "java.lang.Double",
			"java.math.BigDecimal", "java.lang.Number");

	private static final Set<String> BOOLEANS = Set.of("boolean", "java.lang.Boolean");

	private static final Set<String> STRINGS = Set.of("java.lang.String", "java.lang.CharSequence", "char",
			"java.lang.Character");

	private static final Set<String> PRIMITIVES = Set.of("int", "long", "short", "byte", "float", "double", "boolean",
			"char");

	private static final Set<String> COLLECTIONS = Set.of("java.util.List", "java.util.Collection", "java.util.Set",
			"java.lang.Iterable", "java.util.ArrayList", "java.util.LinkedList", "java.util.HashSet",
			"java.util.LinkedHashSet", "java.util.SortedSet", "java.util.NavigableSet", "java.util.TreeSet",
			"java.util.Queue", "java.util.Deque", "java.util.ArrayDeque");

	private static final Set<String> MAPS = Set.of("java.util.Map", "java.util.HashMap", "java.util.LinkedHashMap",
			"java.util.SortedMap", "java.util.NavigableMap", "java.util.TreeMap", "java.util.concurrent.ConcurrentMap",
			"java.util.concurrent.ConcurrentHashMap");

	private ArgumentValidator() {
	}

	/**
	 * Check the arguments of one call.
	 * @param method the signature
	 * @param values the argument values
	 * @param names the names the values are sent under, or {@code null} for positional
	 * arguments
	 * @param mapper turns values that are not trees into trees
	 * @throws RpcException with {@link RpcStatus#INVALID_ARGUMENT} naming the first
	 * parameter that does not fit
	 */
	static void check(RemoteService.Method method, @Nullable Object[] values, String @Nullable [] names,
			ObjectMapper mapper) {
		List<RemoteService.Parameter> parameters = method.parameters();
		if (names == null) {
			if (values.length != parameters.size()) {
				throw invalid(method,
						"expected " + parameters.size() + " argument" + ((parameters.size() != 1) ? "s" : "") + " "
								+ signature(parameters) + ", got " + values.length);
			}
			for (int i = 0; i < values.length; i++) {
				checkValue(method, parameters.get(i), values[i], mapper);
			}
			return;
		}
		boolean[] present = new boolean[parameters.size()];
		for (int i = 0; i < names.length; i++) {
			int index = indexOf(parameters, names[i]);
			if (index < 0) {
				throw invalid(method, "no parameter named '" + names[i] + "'; parameters are " + signature(parameters));
			}
			present[index] = true;
			checkValue(method, parameters.get(index), values[i], mapper);
		}
		for (int i = 0; i < present.length; i++) {
			RemoteService.Parameter parameter = parameters.get(i);
			if (!present[i] && PRIMITIVES.contains(parameter.type())) {
				throw invalid(method, "argument '" + parameter.name() + "' (" + parameter.type() + ") is missing");
			}
		}
	}

	private static void checkValue(RemoteService.Method method, RemoteService.Parameter parameter,
			@Nullable Object value, ObjectMapper mapper) {
		JsonNode node;
		if (value == null || value instanceof JsonNode) {
			node = (JsonNode) value;
		}
		else {
			try {
				node = mapper.valueToTree(value);
			}
			catch (RuntimeException ex) {
				throw invalid(method, "argument '" + parameter.name() + "' cannot be encoded: " + ex.getMessage());
			}
		}
		String problem = problem(parameter.type(), node);
		if (problem != null) {
			throw invalid(method, "argument '" + parameter.name() + "' " + problem);
		}
	}

	/**
	 * Return what is wrong with a value for a declared type, or {@code null} if it fits
	 * as far as its shape tells.
	 */
	static @Nullable String problem(String type, @Nullable JsonNode node) {
		String trimmed = type.trim();
		if (node == null || node.isNull() || node.isMissingNode()) {
			return PRIMITIVES.contains(trimmed) ? "(" + trimmed + ") must not be null" : null;
		}
		if (trimmed.equals("byte[]")) {
			return (node.isBinary() || node.isString()) ? null
					: mismatch(trimmed, "binary data or a base64 string", node);
		}
		if (trimmed.endsWith("[]")) {
			if (!node.isArray()) {
				return mismatch(trimmed, "an array", node);
			}
			return elements(trimmed.substring(0, trimmed.length() - 2), node);
		}
		int open = trimmed.indexOf('<');
		String raw = (open >= 0) ? trimmed.substring(0, open) : trimmed;
		List<String> arguments = (open >= 0 && trimmed.endsWith(">"))
				? split(trimmed.substring(open + 1, trimmed.length() - 1)) : List.of();
		if (INTEGERS.contains(raw)) {
			if (!node.isNumber() || !node.canConvertToExactIntegral()) {
				return mismatch(trimmed, "an integer", node);
			}
			boolean fits = switch (raw) {
				case "int", "java.lang.Integer" -> node.canConvertToInt();
				case "long", "java.lang.Long" -> node.canConvertToLong();
				case "short", "java.lang.Short" -> node.canConvertToInt() && node.asInt() == (short) node.asInt();
				case "byte", "java.lang.Byte" -> node.canConvertToInt() && node.asInt() == (byte) node.asInt();
				default -> true;
			};
			return fits ? null : "(" + trimmed + ") is out of range: " + node;
		}
		if (DECIMALS.contains(raw)) {
			return node.isNumber() ? null : mismatch(trimmed, "a number", node);
		}
		if (BOOLEANS.contains(raw)) {
			return node.isBoolean() ? null : mismatch(trimmed, "a boolean", node);
		}
		if (STRINGS.contains(raw)) {
			if (!node.isString()) {
				return mismatch(trimmed, "a string", node);
			}
			if ((raw.equals("char") || raw.equals("java.lang.Character")) && node.stringValue().length() != 1) {
				return "(" + trimmed + ") must be a string of one character";
			}
			return null;
		}
		if (COLLECTIONS.contains(raw)) {
			if (!node.isArray()) {
				return mismatch(trimmed, "an array", node);
			}
			return (arguments.size() == 1) ? elements(arguments.get(0), node) : null;
		}
		if (MAPS.contains(raw)) {
			if (!node.isObject()) {
				return mismatch(trimmed, "an object", node);
			}
			if (arguments.size() == 2) {
				for (Map.Entry<String, JsonNode> entry : node.properties()) {
					String problem = problem(arguments.get(1), entry.getValue());
					if (problem != null) {
						return "entry '" + entry.getKey() + "' " + problem;
					}
				}
			}
			return null;
		}
		if (raw.equals("java.util.Optional") && arguments.size() == 1) {
			return problem(arguments.get(0), node);
		}
		return null;
	}

	private static @Nullable String elements(String elementType, JsonNode array) {
		int index = 0;
		for (JsonNode element : array.values()) {
			String problem = problem(elementType, element);
			if (problem != null) {
				return "element " + index + " " + problem;
			}
			index++;
		}
		return null;
	}

	private static String mismatch(String type, String expected, JsonNode node) {
		return "(" + type + ") must be " + expected + ", got " + shape(node);
	}

	private static String shape(JsonNode node) {
		if (node.isString()) {
			return "a string";
		}
		if (node.isIntegralNumber()) {
			return "an integer";
		}
		if (node.isNumber()) {
			return "a number";
		}
		if (node.isBoolean()) {
			return "a boolean";
		}
		if (node.isArray()) {
			return "an array";
		}
		if (node.isObject()) {
			return "an object";
		}
		if (node.isBinary()) {
			return "binary data";
		}
		return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
	}

	// Splits generic type arguments at the commas of the top level.
	private static List<String> split(String arguments) {
		List<String> parts = new ArrayList<>();
		int depth = 0;
		int start = 0;
		for (int i = 0; i < arguments.length(); i++) {
			char c = arguments.charAt(i);
			if (c == '<') {
				depth++;
			}
			else if (c == '>') {
				depth--;
			}
			else if (c == ',' && depth == 0) {
				parts.add(arguments.substring(start, i).trim());
				start = i + 1;
			}
		}
		parts.add(arguments.substring(start).trim());
		return parts;
	}

	private static int indexOf(List<RemoteService.Parameter> parameters, String name) {
		for (int i = 0; i < parameters.size(); i++) {
			if (parameters.get(i).name().equals(name)) {
				return i;
			}
		}
		return -1;
	}

	private static String signature(List<RemoteService.Parameter> parameters) {
		List<String> parts = new ArrayList<>(parameters.size());
		for (RemoteService.Parameter parameter : parameters) {
			parts.add(parameter.name() + ": " + parameter.type());
		}
		return "(" + String.join(", ", parts) + ")";
	}

	private static RpcException invalid(RemoteService.Method method, String detail) {
		return new RpcException(RpcStatus.INVALID_ARGUMENT, "Invalid arguments for " + method.key() + ": " + detail);
	}

}
