package io.easyrpc.internal.logging;

/**
 * Makes text that a peer supplied (method names, headers, session ids, error messages)
 * safe to put in a log line: control and format characters are escaped, so that a peer
 * cannot forge lines or colour a terminal, and the text is capped in length, so that a
 * small message cannot produce a large line.
 * <p>
 * {@code \n}, {@code \r}, {@code \t} and the backslash become {@code \\n}, {@code \\r},
 * {@code \\t} and {@code \\\\}; every other control or format character (ESC, DEL, the C1
 * controls, line and paragraph separators, bidirectional overrides, zero-width
 * characters) becomes {@code \\uXXXX}. At most {@link #MAX_LENGTH} characters of the
 * result are kept, followed by {@code …(N more)} where {@code N} counts the characters of
 * the input left out. Text that needs neither is returned as it is, without allocating.
 */
public final class LogSafe {

	/** The most characters of peer text a log line carries. */
	public static final int MAX_LENGTH = 120;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private LogSafe() {
	}

	/**
	 * Return a loggable form of peer-supplied text.
	 * @param text the text, may be {@code null}
	 * @return the escaped and capped text, {@code "null"} for {@code null}
	 */
	public static String text(Object text) {
		if (text == null) {
			return "null";
		}
		String value = text.toString();
		int length = value.length();
		if (length <= MAX_LENGTH) {
			int i = 0;
			while (i < length && !needsEscape(value.charAt(i))) {
				i++;
			}
			if (i == length) {
				return value;
			}
		}
		StringBuilder out = new StringBuilder(Math.min(length, MAX_LENGTH) + 16);
		int i = 0;
		for (; i < length && out.length() < MAX_LENGTH; i++) {
			char c = value.charAt(i);
			if (!needsEscape(c)) {
				out.append(c);
				continue;
			}
			switch (c) {
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\\' -> out.append("\\\\");
				default -> out.append("\\u")
					.append(HEX[(c >> 12) & 0xf])
					.append(HEX[(c >> 8) & 0xf])
					.append(HEX[(c >> 4) & 0xf])
					.append(HEX[c & 0xf]);
			}
		}
		if (i < length) {
			out.append("\u2026(").append(length - i).append(" more)");
		}
		return out.toString();
	}

	private static boolean needsEscape(char c) {
		if (c >= 0x20 && c < 0x7f) {
			return c == '\\';
		}
		if (c < 0xa0) {
			return true;
		}
		int type = Character.getType(c);
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
				|| type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED;
	}

}
