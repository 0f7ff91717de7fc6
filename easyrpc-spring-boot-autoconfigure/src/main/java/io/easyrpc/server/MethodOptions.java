package io.easyrpc.server;

/**
 * Per-method options of a served method.
 *
 * @param name the method name in the key, or {@code null} for the Java method name
 * @param oneWay whether the method is a notification: the caller gets no response
 * @param nonBlocking whether the method promises never to block, so that it may run on
 * the I/O thread (the counterpart of gRPC's {@code directExecutor()})
 */
public record MethodOptions(String name, boolean oneWay, boolean nonBlocking) {

	/** The default options. */
	public static final MethodOptions DEFAULT = new MethodOptions(null, false, false);

}
