package io.easyrpc;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The stack trace a server sent with a failure (when it exposes stack traces), rebuilt as
 * the cause of the {@link RpcException} that reports the failure, so that the remote
 * frames show in the local stack trace ({@code printStackTrace}, logs) after a
 * {@code Caused by:} line. Each {@code Caused by:} section of the remote text becomes a
 * cause of its own; "... n more" lines and suppressed sections are left out.
 * {@link RpcException#getRemoteStackTrace()} keeps the complete text.
 */
final class RemoteStackTrace extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private static final String CAUSED_BY = "Caused by: ";

	private static final int MAX_SECTIONS = 32;

	private RemoteStackTrace(String header, List<StackTraceElement> frames, @Nullable RemoteStackTrace cause) {
		super(header, cause, false, true);
		setStackTrace(frames.toArray(new StackTraceElement[0]));
	}

	/**
	 * Rebuild a remote stack trace from its text.
	 * @param text the text as {@link Throwable#printStackTrace()} wrote it
	 * @return the trace, or {@code null} if there is no text
	 */
	static @Nullable RemoteStackTrace parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		List<String> headers = new ArrayList<>();
		List<List<StackTraceElement>> frames = new ArrayList<>();
		StringBuilder header = new StringBuilder();
		List<StackTraceElement> current = new ArrayList<>();
		boolean inHeader = true;
		boolean skipping = false;
		for (String line : text.split("\\R")) {
			if (line.startsWith(CAUSED_BY)) {
				if (headers.size() + 1 >= MAX_SECTIONS) {
					break;
				}
				headers.add(header.toString());
				frames.add(current);
				header = new StringBuilder(line.substring(CAUSED_BY.length()));
				current = new ArrayList<>();
				inHeader = true;
				skipping = false;
			}
			else if (line.startsWith("\tat ")) {
				inHeader = false;
				if (!skipping) {
					StackTraceElement frame = frame(line.substring(4));
					if (frame != null) {
						current.add(frame);
					}
				}
			}
			else if (line.startsWith("\tSuppressed: ")) {
				inHeader = false;
				skipping = true;
			}
			else if (inHeader) {
				header.append((header.length() > 0) ? "\n" : "").append(line);
			}
		}
		headers.add(header.toString());
		frames.add(current);
		RemoteStackTrace cause = null;
		for (int i = headers.size() - 1; i >= 0; i--) {
			cause = new RemoteStackTrace(headers.get(i), frames.get(i), cause);
		}
		return cause;
	}

	// "module@1/com.example.Type.method(Type.java:12)", "(Native Method)", "(Unknown
	// Source)"
	private static @Nullable StackTraceElement frame(String text) {
		int open = text.indexOf('(');
		int close = text.lastIndexOf(')');
		if (open <= 0 || close < open) {
			return null;
		}
		String qualified = text.substring(text.lastIndexOf('/', open) + 1, open);
		int dot = qualified.lastIndexOf('.');
		if (dot <= 0 || dot == qualified.length() - 1) {
			return null;
		}
		String location = text.substring(open + 1, close);
		String file = null;
		int line = -1;
		if (location.equals("Native Method")) {
			line = -2;
		}
		else if (!location.equals("Unknown Source")) {
			int colon = location.lastIndexOf(':');
			file = (colon > 0) ? location.substring(0, colon) : location;
			if (colon > 0) {
				try {
					line = Integer.parseInt(location.substring(colon + 1));
				}
				catch (NumberFormatException ex) {
					line = -1;
				}
			}
		}
		return new StackTraceElement(qualified.substring(0, dot), qualified.substring(dot + 1), file, line);
	}

	@Override
	public String toString() {
		// The remote header already names the remote class: "com.example.Failure:
		// message".
		return "remote " + getMessage();
	}

}
