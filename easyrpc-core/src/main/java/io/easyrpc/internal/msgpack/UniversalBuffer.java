package io.easyrpc.internal.msgpack;

/**
 * Chooses msgpack-core's buffer implementation before its {@code MessageBuffer} class is
 * initialized. On Java 24 and later the default implementation's use of
 * {@code sun.misc.Unsafe} makes the JVM print a deprecation warning at start-up, so there
 * easyrpc selects msgpack-core's universal buffer
 * ({@code msgpack.universal-buffer=true}), which works on byte arrays without
 * {@code Unsafe}. On earlier versions nothing changes. An application that sets the
 * system property itself keeps its choice. The classes that touch msgpack-core call
 * {@link #select()} from their static initializers; whichever runs first decides.
 */
public final class UniversalBuffer {

	/** The system property msgpack-core reads once, when {@code MessageBuffer} loads. */
	public static final String PROPERTY = "msgpack.universal-buffer";

	/**
	 * The first Java feature release that warns about {@code sun.misc.Unsafe} by default.
	 */
	static final int FIRST_WARNING_RELEASE = 24;

	private UniversalBuffer() {
	}

	/**
	 * Select the universal buffer on Java 24 and later unless the property is set.
	 */
	public static void select() {
		if (Runtime.version().feature() >= FIRST_WARNING_RELEASE && System.getProperty(PROPERTY) == null) {
			try {
				System.setProperty(PROPERTY, "true");
			}
			catch (SecurityException ex) {
				// The default buffer then; the JVM prints its warning.
			}
		}
	}

}
